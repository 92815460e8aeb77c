"""What Garmin really does, and what the bridge answers: a sign-in without DI tokens,
an SSO block, unusable blobs, days with nothing to show, a renamed user, and results
that must fit Lambda's response limit."""

import datetime as dt
import json
import uuid
from typing import Any

from tests.conftest import BridgeProcess
from tests.helpers import ATHLETE, PASSWORD, assert_valid_response, display_name
from tests.simulator import Simulator

LAMBDA_SYNC_RESPONSE_BYTES = 6 * 1024 * 1024


def _login(bridge: BridgeProcess, username: str = ATHLETE) -> dict[str, Any]:
    return assert_valid_response(
        bridge.call({"op": "login", "username": username, "password": PASSWORD})
    )


def test_a_sign_in_that_ends_without_di_tokens_fails_and_returns_no_tokens(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    sim.control("POST", f"/__sim/accounts/{ATHLETE}/di-exchange", {"fail": True})

    response = _login(bridge)

    assert response["ok"] is False
    assert response["error"]["code"] == "LOGIN_INCOMPLETE"
    assert response["tokens"] is None


def test_a_blob_without_di_tokens_is_rejected_tokens_without_a_request(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    blob = json.dumps(dict.fromkeys(("di_token", "di_refresh_token", "di_client_id")))
    ops: list[dict[str, Any]] = [
        {"op": "fetch", "dailySummaries": {"dates": ["2026-01-05"]}},
        {"op": "verify"},
    ]
    for op in ops:
        response = assert_valid_response(bridge.call({**op, "tokens": blob}))
        assert response["ok"] is False
        assert response["error"]["code"] == "TOKEN_REJECTED"
        assert response["garminRequests"] == 0
    not_json = assert_valid_response(
        bridge.call({"op": "verify", "tokens": "{not a blob"})
    )
    assert not_json["error"]["code"] == "TOKEN_REJECTED"
    assert sim.counters()["total"] == 0


def test_an_sso_block_is_reported_as_a_block_not_bad_credentials(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    for status in (403, 429):
        sim.control("POST", "/__sim/sso-block", {"status": status})
        response = _login(bridge)
        assert response["ok"] is False, status
        assert response["error"]["code"] == "LOGIN_BLOCKED", status
        assert response["tokens"] is None
        sim.control("DELETE", "/__sim/sso-block")
    assert _login(bridge)["ok"] is True


def test_a_day_garmin_has_nothing_for_affects_that_day_only(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    name = display_name(bridge, athlete_tokens)
    days = ["2026-01-05", "2026-01-06", "2026-01-07"]
    sim.control("PUT", f"/__sim/accounts/{ATHLETE}/days/{days[0]}", {"empty": True})
    sim.control(
        "PUT", f"/__sim/accounts/{ATHLETE}/days/{days[1]}", {"privacyProtected": True}
    )

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "displayName": name,
                "dailySummaries": {"dates": days},
            }
        )
    )

    assert response["ok"] is True
    items = response["result"]["dailySummaries"]["items"]
    assert items[0] == {"date": days[0], "unavailable": "no_content"}
    assert items[1] == {"date": days[1], "unavailable": "privacy_protected"}
    assert items[2]["date"] == days[2]
    assert items[2]["summary"]["calendarDate"] == days[2]


def test_a_stale_display_name_is_refreshed_once_instead_of_failing(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    name = display_name(bridge, athlete_tokens)
    sim.reset_counters()

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": athlete_tokens,
                "displayName": f"{name}-renamed-since",
                "dailySummaries": {"dates": ["2026-01-05", "2026-01-06"]},
            }
        )
    )

    assert response["ok"] is True
    assert response["result"]["displayName"] == name
    assert len(response["result"]["dailySummaries"]["items"]) == 2
    # One refused summary, one social profile, then the two days.
    assert response["garminRequests"] == 4


def test_a_large_backfill_stops_paging_within_lambdas_response_limit(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    email = f"big-{uuid.uuid4().hex[:8]}@example.com"
    sim.control("POST", "/__sim/accounts", {"email": email, "password": PASSWORD})
    template = sim.add_activity(ATHLETE)
    start = dt.datetime(2025, 1, 1, 7, 0, 0)
    for n in range(1500):
        begins = start + dt.timedelta(hours=6 * n)
        activity = {
            **template,
            "activityId": 90_000_000 + n,
            "startTimeLocal": begins.strftime("%Y-%m-%d %H:%M:%S"),
            "startTimeGMT": (begins - dt.timedelta(hours=1)).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
        }
        sim.control(
            "POST", f"/__sim/accounts/{email}/activities", {"activity": activity}
        )
    tokens = _login(bridge, email)["tokens"]

    fetched: list[dict[str, Any]] = []
    start_date = "2024-12-31"
    for _ in range(10):
        raw = bridge.call(
            {
                "op": "fetch",
                "tokens": tokens,
                "activities": {"startDate": start_date},
            },
            timeout=120,
        )
        assert len(json.dumps(raw).encode()) < LAMBDA_SYNC_RESPONSE_BYTES
        response = assert_valid_response(raw)
        tokens = response["tokens"]
        chunk = response["result"]["activities"]
        fetched.extend(chunk["items"])
        if chunk["complete"]:
            break
        assert chunk["items"], "an incomplete chunk must make progress"
        start_date = chunk["items"][-1]["startTimeLocal"][:10]

    ids = {a["activityId"] for a in fetched}
    assert len(ids) == 1500


def test_a_401_cured_by_a_refresh_is_not_a_rejected_token(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    # Garmin's clock says the access token expired before ours does: the API answers
    # 401, the library refreshes and retries; a later 503 is an outage, not a rejection.
    sim.control(
        "POST",
        f"/__sim/accounts/{ATHLETE}/tokens",
        {"accessTtlSeconds": 4 * 3600, "refreshTtlSeconds": 30 * 86400},
    )
    tokens = _login(bridge)["tokens"]
    name = display_name(bridge, tokens)
    sim.advance_clock(5 * 3600)
    sim.fault(endpoint="daily-summary", status=503, skip=1)

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": tokens,
                "displayName": name,
                "dailySummaries": {"dates": ["2026-01-05", "2026-01-06"]},
            }
        )
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert response["tokensChanged"] is True
