"""Login through the real garminconnect against the simulator."""

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BridgeProcess
from tests.helpers import (
    ATHLETE,
    MFA_USER,
    PASSWORD,
    assert_logs_clean,
    assert_valid_response,
    token_secrets,
    wait_for,
)
from tests.simulator import Simulator


def test_login_without_mfa(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path
) -> None:
    response = assert_valid_response(
        bridge.call({"op": "login", "username": ATHLETE, "password": PASSWORD})
    )

    assert response["ok"] is True
    assert response["tokensChanged"] is True
    assert response["result"]["profile"]["displayName"]
    assert response["result"]["profile"]["unitSystem"] == "metric"
    # The bridge counts exactly what reached Garmin.
    assert response["garminRequests"] == sim.counters()["total"]
    assert sim.by_endpoint()["sso-login"] == 1
    assert sim.by_endpoint()["token-exchange"] == 1
    assert_logs_clean(bridge_log, PASSWORD, *token_secrets(response["tokens"]))


def test_wrong_password_is_invalid_credentials(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path
) -> None:
    wrong = "wrong-horse-battery"
    response = assert_valid_response(
        bridge.call({"op": "login", "username": ATHLETE, "password": wrong})
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "INVALID_CREDENTIALS"
    assert response["tokens"] is None
    # A credential error stops the strategy chain at once.
    assert sim.by_endpoint()["sso-login"] == 1
    assert "token-exchange" not in sim.by_endpoint()
    assert wrong not in response["error"]["message"]
    assert_logs_clean(bridge_log, wrong)


def test_garmin_429_at_every_login_strategy_is_a_block(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    sim.fault(endpoint="sso", status=429, retryAfter=120)

    response = assert_valid_response(
        bridge.call({"op": "login", "username": ATHLETE, "password": PASSWORD})
    )

    assert response["ok"] is False
    assert response["error"] == {
        "code": "LOGIN_BLOCKED",
        "message": "Garmin is refusing sign-ins from this service's network",
        "retryAfterSeconds": 120,
    }
    assert "token-exchange" not in sim.by_endpoint()
    assert response["garminRequests"] == sim.counters()["total"]


def _mfa_login(user_id: str, attempt_id: str, wait_seconds: int) -> dict[str, Any]:
    """A login of the MFA account that waits for its code in this attempt's mailbox."""
    return {
        "op": "login",
        "username": MFA_USER,
        "password": PASSWORD,
        "mfa": {
            "userId": user_id,
            "attemptId": attempt_id,
            "waitSeconds": wait_seconds,
        },
    }


def _attempt(ddb: Any, table: str) -> tuple[str, str]:
    user_id, attempt_id = f"user-{uuid.uuid4().hex[:6]}", str(uuid.uuid4())
    ddb.put_item(
        TableName=table,
        Item={
            "user_id": {"S": user_id},
            "attempt_id": {"S": attempt_id},
            "status": {"S": "pending"},
        },
    )
    return user_id, attempt_id


def _item(ddb: Any, table: str, user_id: str, attempt_id: str) -> dict[str, Any]:
    item: dict[str, Any] = ddb.get_item(
        TableName=table,
        Key={"user_id": {"S": user_id}, "attempt_id": {"S": attempt_id}},
        ConsistentRead=True,
    )["Item"]
    return {k: next(iter(v.values())) for k, v in item.items()}


def _post_code(ddb: Any, table: str, user_id: str, attempt_id: str, code: str) -> str:
    code_id = str(uuid.uuid4())
    ddb.update_item(
        TableName=table,
        Key={"user_id": {"S": user_id}, "attempt_id": {"S": attempt_id}},
        UpdateExpression="SET mfa_code = :c, mfa_code_id = :id",
        ConditionExpression="#s = :waiting",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":c": {"S": code},
            ":id": {"S": code_id},
            ":waiting": {"S": "mfa_required"},
        },
    )
    return code_id


def test_mfa_login_through_the_mailbox_wrong_code_then_right_code(
    bridge: BridgeProcess,
    sim: Simulator,
    ddb: Any,
    attempts_table: str,
    bridge_log: Path,
) -> None:
    user_id, attempt_id = _attempt(ddb, attempts_table)
    pending = bridge.submit(_mfa_login(user_id, attempt_id, wait_seconds=60))

    def item() -> dict[str, Any]:
        return _item(ddb, attempts_table, user_id, attempt_id)

    wait_for(lambda: item()["status"] == "mfa_required", what="mfa_required")
    wrong = _post_code(ddb, attempts_table, user_id, attempt_id, "000000")
    wait_for(
        lambda: item().get("mfa_outcome_code_id") == wrong, what="wrong-code verdict"
    )
    assert item()["mfa_outcome"] == "invalid"
    assert item()["status"] == "mfa_required"
    assert not pending.done()

    right = _post_code(ddb, attempts_table, user_id, attempt_id, "123456")
    response = assert_valid_response(pending.result(timeout=60))

    assert response["ok"] is True
    assert response["result"]["profile"]["displayName"]
    assert item()["mfa_outcome_code_id"] == right
    assert item()["mfa_outcome"] == "accepted"
    assert "mfa_code" not in item()
    assert sim.by_endpoint()["token-exchange"] == 1
    assert_logs_clean(
        bridge_log, PASSWORD, "123456", *token_secrets(response["tokens"])
    )


@pytest.mark.parametrize("ending", ["erased", "ended by the app"])
def test_mfa_wait_stops_at_once_when_the_attempt_ends(
    bridge: BridgeProcess, sim: Simulator, ddb: Any, attempts_table: str, ending: str
) -> None:
    user_id, attempt_id = _attempt(ddb, attempts_table)
    key = {"user_id": {"S": user_id}, "attempt_id": {"S": attempt_id}}
    pending = bridge.submit(_mfa_login(user_id, attempt_id, wait_seconds=300))
    wait_for(
        lambda: (
            _item(ddb, attempts_table, user_id, attempt_id)["status"] == "mfa_required"
        ),
        what="mfa_required",
    )
    if ending == "erased":
        ddb.delete_item(TableName=attempts_table, Key=key)
    else:
        ddb.update_item(
            TableName=attempts_table,
            Key=key,
            UpdateExpression="SET #s = :failed",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":failed": {"S": "failed"}},
        )

    # Far sooner than the 300 s wait: the next poll sees it.
    response = assert_valid_response(pending.result(timeout=10))
    assert response["error"]["code"] == "ATTEMPT_ENDED"
    assert response["tokens"] is None
    assert sim.by_endpoint().get("sso-mfa-verify", 0) == 0
    if ending == "erased":
        # Nothing recreated the erased attempt.
        assert "Item" not in ddb.get_item(TableName=attempts_table, Key=key)


def test_mfa_times_out_without_a_code(
    bridge: BridgeProcess, sim: Simulator, ddb: Any, attempts_table: str
) -> None:
    user_id, attempt_id = _attempt(ddb, attempts_table)
    response = bridge.call(_mfa_login(user_id, attempt_id, wait_seconds=1))

    assert response["error"]["code"] == "MFA_TIMEOUT"
    assert response["tokens"] is None


def test_mfa_without_a_mailbox_says_mfa_is_required(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    response = bridge.call({"op": "login", "username": MFA_USER, "password": PASSWORD})
    assert response["error"]["code"] == "MFA_REQUIRED"


@pytest.mark.parametrize("status", [500, 503])
def test_garmin_5xx_at_login_is_upstream_unavailable(
    bridge: BridgeProcess, sim: Simulator, status: int
) -> None:
    sim.fault(endpoint="sso", status=status)
    response = bridge.call({"op": "login", "username": ATHLETE, "password": PASSWORD})
    assert response["error"]["code"] == "UPSTREAM_UNAVAILABLE"
