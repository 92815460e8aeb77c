"""Fetching only what is asked, page by page, keeping what arrived before a failure."""

from tests.conftest import BridgeProcess
from tests.helpers import assert_valid_response, days_ago, deadline_in, display_name
from tests.simulator import Simulator


def test_activities_are_paginated_past_100_items(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    start = days_ago(365)
    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "activities": {"startDate": start},
            },
            timeout=120,
        )
    )

    activities = response["result"]["activities"]
    assert activities["complete"] is True
    assert len(activities["items"]) > 100
    assert activities["pages"] == len(activities["items"]) // 100 + 1
    assert sim.by_endpoint() == {"activities": activities["pages"]}
    starts = [a["startTimeLocal"] for a in activities["items"]]
    assert starts == sorted(starts)
    assert len({a["activityId"] for a in activities["items"]}) == len(starts)


def test_only_what_is_asked_reaches_garmin(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    name = display_name(bridge, athlete_tokens)
    sim.reset_counters()
    dates = ["2026-01-05", "2026-01-06", "2026-01-07"]

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "displayName": name,
                "dailySummaries": {"dates": dates},
            }
        )
    )

    assert [i["date"] for i in response["result"]["dailySummaries"]["items"]] == dates
    assert [
        i["summary"]["calendarDate"]
        for i in response["result"]["dailySummaries"]["items"]
    ] == dates
    assert "activities" not in response["result"]
    # With a known display name there is no profile request at all.
    assert sim.by_endpoint() == {"daily-summary": 3}
    assert response["garminRequests"] == 3
    queried = [
        r["query"].get("calendarDate")
        for r in sim.requests()
        if r["endpoint"] == "daily-summary"
    ]
    assert queried == dates


def test_new_activities_only_since_the_cursor(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    added = sim.add_activity("athlete@example.com", typeKey="running")
    today = added["startTimeLocal"][:10]

    response = bridge.call(
        {"op": "fetch", "tokens": athlete_tokens, "activities": {"startDate": today}}
    )

    items = response["result"]["activities"]["items"]
    assert added["activityId"] in [a["activityId"] for a in items]
    assert all(a["startTimeLocal"][:10] >= today for a in items)
    assert sim.by_endpoint() == {"activities": 1}


def test_profile_on_request(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    response = assert_valid_response(
        bridge.call({"op": "fetch", "tokens": athlete_tokens, "profile": True})
    )

    profile = response["result"]["profile"]
    assert profile["basics"]["displayName"] == profile["socialProfile"]["displayName"]
    assert profile["timeZone"] == "Europe/Berlin"
    assert "userData" in profile["userSettings"]
    assert sim.by_endpoint() == {
        "social-profile": 1,
        "user-settings": 1,
        "personal-information": 1,
    }


def test_a_5xx_mid_fetch_keeps_what_arrived_before_it(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    name = display_name(bridge, athlete_tokens)
    start = days_ago(365)
    sim.fault(endpoint="activities", status=503, skip=1)

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "displayName": name,
                "activities": {"startDate": start},
                "dailySummaries": {"dates": ["2026-01-05"]},
            }
        )
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "UPSTREAM_UNAVAILABLE"
    partial = response["partial"]["activities"]
    assert len(partial["items"]) == 100
    assert partial["complete"] is False
    assert "dailySummaries" not in response["partial"]
    # The token blob comes back even on failure, so a rotation is never lost.
    assert response["tokens"] is not None


def test_no_request_starts_past_the_callers_deadline(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "activities": {"startDate": "2025-01-01"},
                "deadlineMs": deadline_in(-0.001),
            }
        )
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "DEADLINE_REACHED"
    assert sim.counters()["total"] == 0
    assert response["tokens"] is not None


def test_a_deadline_mid_fetch_keeps_what_arrived_and_the_rotated_tokens(
    bridge: BridgeProcess, sim: Simulator, short_lived_tokens: str
) -> None:
    start = days_ago(365)
    # The first page arrives only after the deadline has passed.
    sim.fault(endpoint="activities", latencyMs=1500, count=1)

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": short_lived_tokens,
                "activities": {"startDate": start},
                "deadlineMs": deadline_in(1),
            }
        )
    )

    assert response["error"]["code"] == "DEADLINE_REACHED"
    # The page in flight at the deadline is kept; no second page was asked for.
    assert len(response["partial"]["activities"]["items"]) == 100
    assert sim.by_endpoint()["activities"] == 1
    # The refresh before the first page rotated the tokens: they come back.
    assert response["tokensChanged"] is True
    assert response["tokens"] != short_lived_tokens
