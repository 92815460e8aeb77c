"""A weigh-in with body composition: the library's add_body_composition uploads it as a
FIT file (decoded by the simulator with Garmin's FIT SDK), then the day is read back."""

from typing import Any

from tests.conftest import BridgeProcess
from tests.helpers import add_weigh_in, day_weighins, days_ago
from tests.simulator import Simulator


def test_body_composition_is_uploaded_as_fit_and_read_back(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    date = days_ago(4)
    before = len(day_weighins(sim, date))
    sim.reset_counters()

    composition = {
        "bodyFatPct": 18.4,
        "bodyWaterPct": 56.2,
        "muscleMassKg": 33.1,
        "boneMassKg": 3.4,
        "bmi": 23.7,
    }
    response = add_weigh_in(
        bridge,
        athlete_tokens,
        f"{date}T07:15:00+01:00",
        74.35,
        bodyComposition=composition,
    )

    assert response["ok"] is True
    assert sim.by_endpoint() == {"fit-upload": 1, "weight-range": 1}
    # Garmin's recorded upload answer: processing continues after it.
    assert response["result"]["written"]["detailedImportResult"]["failures"] == []
    weighins = day_weighins(sim, date)
    assert len(weighins) == before + 1
    # Each figure arrives at its nearest FIT step (the encoder alone would truncate
    # 74.35 kg to 74.34); masses are grams at Garmin.
    assert {k: weighins[-1][k] for k in ("weight", "bodyFat", "bodyWater")} == {
        "weight": 74350,
        "bodyFat": 18.4,
        "bodyWater": 56.2,
    }
    assert {k: weighins[-1][k] for k in ("muscleMass", "boneMass", "bmi")} == {
        "muscleMass": 33100,
        "boneMass": 3400,
        "bmi": 23.7,
    }
    day = response["result"]["weight"]["dailyWeightSummaries"][0]
    assert len(day["allWeightMetrics"]) == before + 1


def test_bad_body_composition_is_refused_before_garmin(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.reset_counters()
    weigh_in = {"op": "addWeighIn", "timestamp": "2026-01-05T07:00:00+00:00"}
    bad: list[dict[str, Any]] = [
        {"bodyFatPct": 0},
        {"bodyFatPct": 101},
        {"bmi": "23"},
        {"visceralFat": 9},
    ]
    for composition in bad:
        response = bridge.call(
            {
                **weigh_in,
                "weightKg": 70,
                "bodyComposition": composition,
                "tokens": athlete_tokens,
            }
        )
        assert response["error"]["code"] == "INVALID_REQUEST", composition
    assert sim.by_endpoint() == {}
