"""A batch of fetches: one invocation, each user's call run and answered on its own."""

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from garmin_bridge.schema import limit, protocol_schema
from tests.conftest import BridgeProcess
from tests.helpers import ATHLETE, PASSWORD, assert_valid_response
from tests.simulator import Simulator

OTHER = "second@example.com"

_batch_validator = Draft202012Validator(protocol_schema()["batchResponse"])


def _login(bridge: BridgeProcess, email: str) -> str:
    response = bridge.call({"op": "login", "username": email, "password": PASSWORD})
    assert response["ok"], response
    tokens: str = response["tokens"]
    return tokens


def _two_users(bridge: BridgeProcess, sim: Simulator) -> tuple[str, str]:
    sim.create_account(email=OTHER, password=PASSWORD, seeded=True, days=30)
    tokens = _login(bridge, ATHLETE), _login(bridge, OTHER)
    sim.reset_counters()
    return tokens


def _since(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def _fetch(call_id: str, tokens: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": call_id,
        "op": "fetch",
        "tokens": tokens,
        "activities": {"startDate": _since(20)},
        **fields,
    }


def _batch(bridge: BridgeProcess, *calls: dict[str, Any]) -> dict[str, Any]:
    answer = bridge.call({"op": "batch", "calls": list(calls)}, timeout=120)
    errors = [e.message for e in _batch_validator.iter_errors(answer)]
    assert errors == [], errors
    return answer


def _by_id(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert answer["ok"] is True, answer
    return {r["id"]: assert_valid_response(r) for r in answer["responses"]}


def test_each_call_is_answered_on_its_own_in_the_order_asked(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    athlete, other = _two_users(bridge, sim)

    answer = _batch(bridge, _fetch("a", athlete), _fetch("b", other))

    assert [r["id"] for r in answer["responses"]] == ["a", "b"]
    responses = _by_id(answer)
    assert all(r["ok"] for r in responses.values())
    # Each user's own data, through their own client and tokens.
    counted = sim.counters()["byAccount"]
    assert counted[ATHLETE]["activities"] == responses["a"]["garminRequests"]
    assert counted[OTHER]["activities"] == responses["b"]["garminRequests"]


def test_calls_run_concurrently(bridge: BridgeProcess, sim: Simulator) -> None:
    athlete, other = _two_users(bridge, sim)
    # Every activity search of either user takes 1.5 s.
    sim.fault(endpoint="activities", latencyMs=1500)
    try:
        started = time.monotonic()
        answer = _batch(bridge, _fetch("a", athlete), _fetch("b", other))
        elapsed = time.monotonic() - started
    finally:
        sim.clear_faults()

    assert all(r["ok"] for r in _by_id(answer).values())
    # One search each, side by side: one latency, not the sum of two.
    assert elapsed < 2.9


def test_one_users_failures_never_reach_the_others(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    athlete, other = _two_users(bridge, sim)
    sim.fault(endpoint="activities", account=OTHER, status=429, retryAfter=60)

    answer = _batch(
        bridge,
        _fetch("ok", athlete),
        _fetch("limited", other),
        # The caller's deadline already over: no request starts.
        _fetch("late", athlete, deadlineMs=int(time.time() * 1000) - 1),
        # A blob without usable tokens.
        _fetch("broken", '{"di_token": null}'),
    )
    sim.clear_faults()

    responses = _by_id(answer)
    assert responses["ok"]["ok"] is True
    assert responses["ok"]["result"]["activities"]["complete"] is True
    assert responses["limited"]["error"]["code"] == "RATE_LIMITED"
    assert responses["late"]["error"]["code"] == "DEADLINE_REACHED"
    assert responses["broken"]["error"]["code"] == "TOKEN_REJECTED"
    # A failed call still returns its tokens, so a rotation is never lost.
    assert responses["limited"]["tokens"] is not None


def test_a_batch_logs_one_info_line_and_a_failed_call_its_own(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path
) -> None:
    athlete = _login(bridge, ATHLETE)
    written = bridge_log.stat().st_size

    _batch(bridge, _fetch("ok", athlete), _fetch("broken", '{"di_token": null}'))

    with bridge_log.open() as log:
        log.seek(written)
        lines = [json.loads(line) for line in log if line.startswith("{")]
    info = [line for line in lines if line["level"] != "DEBUG"]
    # The success is in the batch's line (and the worker's per sync): DEBUG alone.
    assert [(line["message"], line.get("requestId")) for line in info] == [
        ("bridge call done", "broken"),
        ("bridge batch done", info[-1]["requestId"]),
    ]
    assert info[0]["errorCode"] == "TOKEN_REJECTED"
    assert {"calls": 2, "failed": 1}.items() <= info[-1].items()
    done = [line for line in lines if line["message"] == "bridge call done"]
    assert {line["requestId"]: line["level"] for line in done} == {
        "ok": "DEBUG",
        "broken": "INFO",
    }


def test_revoked_tokens_fail_that_call_alone(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    athlete, other = _two_users(bridge, sim)
    sim.revoke(OTHER)

    responses = _by_id(_batch(bridge, _fetch("a", athlete), _fetch("b", other)))

    assert responses["a"]["ok"] is True
    assert responses["b"]["error"]["code"] == "TOKEN_REJECTED"


def test_a_calls_share_of_the_result_bytes_stops_its_paging(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    athlete, _ = _two_users(bridge, sim)
    # Far below one page of 100 activities (3.5-5.5 KB each).
    share = 50_000

    responses = _by_id(
        _batch(
            bridge,
            _fetch("a", athlete, activities={"startDate": _since(365)}),
            _fetch(
                "b",
                athlete,
                activities={"startDate": _since(365)},
                maxResultBytes=share,
            ),
        )
    )

    whole = responses["a"]["result"]["activities"]
    shared = responses["b"]["result"]["activities"]
    assert whole["complete"] is True and whole["pages"] > 1
    # The first page spent the share: paging stopped there, to go on in the next chunk.
    assert shared == {**shared, "complete": False, "pages": 1}
    assert shared["items"] == whole["items"][: len(shared["items"])]


def test_a_page_that_would_pass_a_share_is_left_for_the_next_chunk(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    whole = bridge.call(
        _fetch("w", athlete_tokens, activities={"startDate": _since(365)}), timeout=120
    )["result"]["activities"]
    first_page = whole["items"][:100]
    # Room for the first page and a little more, not for the second.
    share = len(json.dumps(first_page, separators=(",", ":"))) + 1000

    responses = _by_id(
        _batch(
            bridge,
            _fetch(
                "a",
                athlete_tokens,
                activities={"startDate": _since(365)},
                maxResultBytes=share,
            ),
            _fetch("b", athlete_tokens),
        )
    )

    shared = responses["a"]["result"]["activities"]
    assert whole["pages"] > 2
    # The second page was fetched, found too big for the share and dropped whole.
    assert shared == {"items": first_page, "complete": False, "pages": 1}
    assert responses["a"]["garminRequests"] == 2


def test_a_batch_the_schema_refuses_is_one_invalid_request(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    athlete, _ = _two_users(bridge, sim)
    too_many = [_fetch(f"c{i}", athlete) for i in range(limit("maxBatchCalls") + 1)]
    login = {"id": "l", "op": "login", "username": ATHLETE, "password": PASSWORD}
    without_id = {"op": "fetch", "tokens": athlete}

    for calls in (too_many, [login], [without_id], []):
        answer = _batch(bridge, *calls)
        assert answer["ok"] is False
        assert answer["error"]["code"] == "INVALID_REQUEST"
    # Nothing of a refused batch reached Garmin.
    assert sim.counters()["total"] == 0
