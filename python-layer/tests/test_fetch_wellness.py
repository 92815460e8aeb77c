"""Weight, hydration and sleep: read with the day plan, at a known request cost."""

from tests.conftest import BridgeProcess
from tests.helpers import assert_valid_response, days_ago, display_name
from tests.simulator import Simulator


def test_day_types_arrive_with_each_day_and_weight_in_one_request(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    name = display_name(bridge, athlete_tokens)
    dates = [days_ago(n) for n in (3, 2, 1)]
    sim.reset_counters()

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "displayName": name,
                "dailySummaries": {"dates": dates, "types": ["hydration", "sleep"]},
                "weight": {"startDate": dates[0], "endDate": dates[-1]},
            }
        )
    )

    result = response["result"]
    assert [d["date"] for d in result["dailySummaries"]["items"]] == dates
    for day in result["dailySummaries"]["items"]:
        assert day["hydration"]["calendarDate"] == day["date"]
        assert day["sleep"]["dailySleepDTO"]["calendarDate"] == day["date"]
    assert set(result["weight"]["range"]) >= {"dailyWeightSummaries", "totalAverage"}
    # One request per day and type, and one for the whole weight range.
    assert sim.by_endpoint() == {
        "daily-summary": 3,
        "hydration-daily": 3,
        "sleep-daily": 3,
        "weight-range": 1,
    }
    assert response["garminRequests"] == 10


def test_unknown_day_type_is_refused_before_garmin(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.reset_counters()
    response = bridge.call(
        {
            "op": "fetch",
            "tokens": athlete_tokens,
            "dailySummaries": {"dates": ["2026-01-05"], "types": ["steps"]},
        }
    )
    assert response["error"]["code"] == "INVALID_REQUEST"
    assert sim.by_endpoint() == {}
