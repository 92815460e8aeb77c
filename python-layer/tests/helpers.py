"""Shared assertions and waits for the bridge tests."""

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from garmin_bridge.schema import protocol_schema
from tests.conftest import BridgeProcess
from tests.simulator import Simulator

ATHLETE = "athlete@example.com"
MFA_USER = "mfa@example.com"
PASSWORD = "correct-horse"  # noqa: S105  (the simulator's seeded test password)

_response_validator = Draft202012Validator(protocol_schema()["response"])
_request_validator = Draft202012Validator(protocol_schema()["request"])


def assert_valid_response(response: dict[str, Any]) -> dict[str, Any]:
    errors = [e.message for e in _response_validator.iter_errors(response)]
    assert errors == [], errors
    return response


def days_ago(days: int) -> str:
    """The ISO date `days` before today."""
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def deadline_in(seconds: float) -> int:
    """A request's `deadlineMs`, `seconds` from now (negative: already past)."""
    return int((time.time() + seconds) * 1000)


def display_name(bridge: BridgeProcess, tokens: str) -> str:
    """The display name Garmin's profile gives for these tokens (a fetch needs it)."""
    name: str = bridge.call({"op": "verify", "tokens": tokens})["result"]["profile"][
        "displayName"
    ]
    return name


def add_weigh_in(
    bridge: BridgeProcess,
    tokens: str,
    timestamp: str,
    weight_kg: float,
    **fields: Any,
) -> dict[str, Any]:
    """An addWeighIn through the bridge; its answer is checked against the protocol."""
    request = {
        "op": "addWeighIn",
        "tokens": tokens,
        "timestamp": timestamp,
        "weightKg": weight_kg,
        **fields,
    }
    return assert_valid_response(bridge.call(request))


def day_weighins(sim: Simulator, date: str) -> list[dict[str, Any]]:
    """The athlete's weigh-ins of `date` as the simulator holds them."""
    found: list[dict[str, Any]] = sim.control(
        "GET", f"/__sim/accounts/{ATHLETE}/weight/{date}"
    )["weighIns"]
    return found


def request_is_valid(request: dict[str, Any]) -> bool:
    return _request_validator.is_valid(request)


def token_secrets(blob: str) -> list[str]:
    data = json.loads(blob)
    return [blob, data["di_token"], data["di_refresh_token"]]


def written_forms(secret: str) -> set[str]:
    """A secret as a log line may carry it: raw, JSON- or repr-escaped."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    }


def assert_logs_clean(log_path: Path, *secrets: str) -> None:
    """The bridge wrote logs, and none holds any of these secrets, in any form."""
    text = log_path.read_text()
    assert '"message"' in text, "the bridge wrote no logs"
    for secret in secrets:
        for form in written_forms(secret):
            assert form not in text


def wait_for(
    check: Callable[[], Any], timeout: float = 20, what: str = "condition"
) -> Any:
    """Poll a condition with a deadline (waiting on state, not on time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
