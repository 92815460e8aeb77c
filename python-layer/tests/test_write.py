"""Writes: a weigh-in and hydration intake through the library's own writers, each
followed by one read of the written day, at a known request cost."""

from tests.conftest import BridgeProcess
from tests.helpers import add_weigh_in, assert_valid_response, day_weighins, days_ago
from tests.simulator import Simulator


def test_weigh_in_is_written_at_its_local_time_and_read_back(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    date = days_ago(1)
    before = len(day_weighins(sim, date))
    sim.reset_counters()

    response = add_weigh_in(bridge, athlete_tokens, f"{date}T07:15:00+01:00", 72.4)

    assert response["ok"] is True
    assert sim.by_endpoint() == {"weight-add": 1, "weight-range": 1}
    weighins = day_weighins(sim, date)
    assert len(weighins) == before + 1
    # Garmin keeps grams; the GMT time is the local time less its offset.
    assert weighins[-1]["weight"] == 72400
    result = response["result"]
    assert result["date"] == date
    day = result["weight"]["dailyWeightSummaries"][0]
    assert day["summaryDate"] == date
    assert len(day["allWeightMetrics"]) == before + 1


def test_hydration_is_added_to_the_day_and_read_back(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    date = days_ago(2)
    first = assert_valid_response(
        bridge.call(
            {"op": "addHydration", "tokens": athlete_tokens, "date": date, "ml": 250}
        )
    )
    sim.reset_counters()
    second = assert_valid_response(
        bridge.call(
            {"op": "addHydration", "tokens": athlete_tokens, "date": date, "ml": 300}
        )
    )

    assert sim.by_endpoint() == {"hydration-log": 1, "hydration-daily": 1}
    assert second["garminRequests"] == 2
    intake = [r["result"]["hydration"]["valueInML"] for r in (first, second)]
    assert intake[1] - intake[0] == 300
    assert second["result"]["hydration"]["calendarDate"] == date


def test_bad_writes_are_refused_before_garmin(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.reset_counters()
    bad = [
        # A time without its offset would be placed in the library's guess of the zone.
        {"op": "addWeighIn", "timestamp": "2026-01-05T07:00:00", "weightKg": 70},
        {"op": "addWeighIn", "timestamp": "2026-01-05T07:00:00Z", "weightKg": 70},
        {"op": "addWeighIn", "timestamp": "2026-02-30T07:00:00+00:00", "weightKg": 70},
        {"op": "addWeighIn", "timestamp": "2026-01-05T07:00:00+00:00", "weightKg": 0},
        {"op": "addHydration", "date": "2026-01-05", "ml": 20000},
        {"op": "addHydration", "date": "2026-01-05", "ml": True},
        {"op": "addHydration", "date": "2026-01-05", "ml": 250, "bodyFat": 1},
    ]
    for request in bad:
        response = bridge.call({**request, "tokens": athlete_tokens})
        assert response["error"]["code"] == "INVALID_REQUEST", request
    assert sim.by_endpoint() == {}


def test_a_failed_read_back_never_fails_a_write_garmin_took(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    """Reporting the write as failed would invite a retry, and so a second weigh-in."""
    date = days_ago(3)
    before = len(day_weighins(sim, date))
    sim.fault(endpoint="weight-range", status=503)

    response = add_weigh_in(bridge, athlete_tokens, f"{date}T20:00:00-05:00", 80)

    sim.clear_faults()
    assert response["ok"] is True
    assert "weight" not in response["result"]
    assert response["result"]["date"] == date
    assert len(day_weighins(sim, date)) == before + 1


def test_a_refused_write_is_an_error_with_the_tokens(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.fault(endpoint="hydration-log", status=503)
    response = assert_valid_response(
        bridge.call(
            {
                "op": "addHydration",
                "tokens": athlete_tokens,
                "date": "2026-01-05",
                "ml": 250,
            }
        )
    )
    sim.clear_faults()
    assert response["ok"] is False
    assert response["error"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert response["tokens"] is not None
    # Nothing read back after a refused write.
    assert sim.by_endpoint().get("hydration-daily", 0) == 0
