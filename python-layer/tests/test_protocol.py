"""The bridge accepts exactly what the shared JSON Schema (from zod) accepts."""

import io
import json
from typing import Any

import pytest

from garmin_bridge import lambda_handler, mailbox, stdio
from garmin_bridge.schema import attempt_status
from garmin_bridge.service import handle
from tests.helpers import assert_valid_response, request_is_valid

BLOB = json.dumps({"di_token": "a.b.c", "di_refresh_token": "r", "di_client_id": "c"})

VALID: list[dict[str, Any]] = [
    {"op": "ping"},
    {"op": "login", "username": "a@example.com", "password": "pw"},
    {
        "op": "login",
        "username": "a@example.com",
        "password": "pw",
        "mfa": {"userId": "u", "attemptId": "a", "waitSeconds": 900},
    },
    {"op": "verify", "tokens": BLOB},
    {
        "op": "fetch",
        "tokens": BLOB,
        "displayName": "x",
        "activities": {
            "startDate": "2026-01-01",
            "endDate": "2026-01-31",
            "pageSize": 100,
        },
        "dailySummaries": {"dates": ["2026-01-01", "2026-01-02"]},
        "profile": True,
    },
]

INVALID: list[dict[str, Any]] = [
    {"op": "explode"},
    {"op": "login", "username": "a@example.com"},
    {"op": "login", "username": "", "password": "pw"},
    {"op": "login", "username": "a@example.com", "password": "pw", "extra": 1},
    {
        "op": "login",
        "username": "a@example.com",
        "password": "pw",
        "mfa": {"userId": "u", "attemptId": "a", "waitSeconds": 901},
    },
    {
        "op": "login",
        "username": "a",
        "password": "pw",
        "mfa": {"userId": "u", "attemptId": "a"},
    },
    {"op": "fetch", "tokens": BLOB, "activities": {"startDate": "2026-13-01"}},
    {
        "op": "fetch",
        "tokens": BLOB,
        "activities": {"startDate": "2026-01-01", "pageSize": 0},
    },
    {
        "op": "fetch",
        "tokens": BLOB,
        "activities": {"startDate": "2026-01-01", "pageSize": 1001},
    },
    {"op": "fetch", "tokens": BLOB, "dailySummaries": {"dates": []}},
    {"op": "fetch", "tokens": BLOB, "dailySummaries": {"dates": ["2026-01-01"] * 401}},
    {"op": "fetch", "tokens": BLOB, "profile": "yes"},
    {"op": "ping", "id": ""},
]


@pytest.mark.parametrize("request_body", VALID)
def test_schema_valid_requests_are_accepted_by_the_parser(
    request_body: dict[str, Any],
) -> None:
    assert request_is_valid(request_body)
    from garmin_bridge.protocol import parse_request

    parse_request(request_body)


@pytest.mark.parametrize("request_body", INVALID)
def test_schema_invalid_requests_are_refused_before_garmin(
    request_body: dict[str, Any],
) -> None:
    assert not request_is_valid(request_body)
    response = assert_valid_response(handle(request_body))
    assert response["ok"] is False
    assert response["error"]["code"] == "INVALID_REQUEST"
    assert response["garminRequests"] == 0


def test_a_refused_request_names_the_field_never_its_value() -> None:
    secret = "s3cret-" * 50
    for request_body, field in [
        ({"op": "login", "username": "a", "password": secret}, "login.password"),
        (
            {"op": "exchange", "ticket": secret, "serviceUrl": secret},
            "exchange.ticket",
        ),
        ({"op": "verify", "tokens": secret, "extra": secret}, "verify "),
    ]:
        response = assert_valid_response(handle(request_body))
        assert response["error"]["code"] == "INVALID_REQUEST"
        assert response["error"]["message"].startswith(field)
        assert "s3cret" not in json.dumps(response)


def test_a_request_that_is_no_object_or_names_no_op_is_refused() -> None:
    for request_body in [[], "ping", {"id": "x"}, {"op": 3}]:
        response = assert_valid_response(handle(request_body))
        assert response["error"]["code"] == "INVALID_REQUEST"
        assert response["garminRequests"] == 0


def test_ping_reports_the_pinned_library() -> None:
    response = assert_valid_response(handle({"op": "ping", "id": "p1"}))
    assert response["id"] == "p1"
    assert response["result"]["garminconnectVersion"] == "0.3.20"


def test_lambda_handler_answers_one_request() -> None:
    response = lambda_handler.handler({"op": "ping"}, None)
    assert assert_valid_response(response)["ok"] is True


def test_stdio_answers_each_line_by_id_and_stops_at_eof() -> None:
    stdin = io.StringIO('{"op":"ping","id":"a"}\nnot json\n\n{"op":"nope","id":"b"}\n')
    stdout = io.StringIO()

    stdio.serve(stdin, stdout)

    responses = [json.loads(line) for line in stdout.getvalue().splitlines()]
    by_id = {r["id"]: r for r in responses}
    assert len(responses) == 3
    assert by_id["a"]["ok"] is True
    assert by_id["b"]["error"]["code"] == "INVALID_REQUEST"
    assert by_id[None]["error"]["code"] == "INVALID_REQUEST"
    for response in responses:
        assert_valid_response(response)


def test_attempt_statuses_come_from_the_exported_schema() -> None:
    assert (mailbox.PENDING, mailbox.MFA_REQUIRED) == ("pending", "mfa_required")
    with pytest.raises(LookupError):
        attempt_status("waiting")
