"""The exchange op: a service ticket from a sign-in on the user's device, exchanged
for DI tokens with the library's own exchange; refused tickets, a refusal of this
network, and the ticket kept out of every log."""

from pathlib import Path

import pytest

from tests.conftest import BridgeProcess
from tests.helpers import (
    ATHLETE,
    PASSWORD,
    assert_logs_clean,
    assert_valid_response,
    request_is_valid,
    token_secrets,
)
from tests.simulator import Simulator

PORTAL = "https://connect.garmin.com/app"
IOS = "https://mobile.integration.garmin.com/gcm/ios"


def _exchange(
    bridge: BridgeProcess, ticket: str, service_url: str
) -> dict[str, object]:
    request = {"op": "exchange", "ticket": ticket, "serviceUrl": service_url}
    assert request_is_valid(request)
    return assert_valid_response(bridge.call(request))


def test_a_ticket_is_exchanged_for_di_tokens_and_the_profile(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path
) -> None:
    ticket = sim.device_ticket(ATHLETE, PASSWORD, PORTAL)
    sim.reset_counters()

    response = _exchange(bridge, ticket, PORTAL)

    assert response["ok"] is True, response
    assert response["result"] == {
        "profile": {
            "displayName": "athlete-42",
            "fullName": "Alex Athlete",
            "profileId": 42_424_242,
            "unitSystem": "metric",
        }
    }
    tokens = response["tokens"]
    assert isinstance(tokens, str)
    # One exchange, then the two profile requests a login makes; no SSO, no JWT_WEB.
    assert sim.by_endpoint() == {
        "token-exchange": 1,
        "social-profile": 1,
        "user-settings": 1,
    }
    fetched = bridge.call({"op": "fetch", "tokens": tokens, "profile": True})
    assert fetched["ok"] is True, fetched
    assert_logs_clean(bridge_log, ticket, *token_secrets(tokens))


def test_a_used_expired_or_foreign_ticket_is_rejected(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path
) -> None:
    used = sim.device_ticket(ATHLETE, PASSWORD, IOS)
    assert _exchange(bridge, used, IOS)["ok"] is True
    foreign = sim.device_ticket(ATHLETE, PASSWORD, PORTAL)
    expired = sim.device_ticket(ATHLETE, PASSWORD, IOS)
    sim.advance_clock(301)

    for ticket, service_url in ((used, IOS), (foreign, IOS), (expired, IOS)):
        response = _exchange(bridge, ticket, service_url)
        assert response["ok"] is False
        assert response["error"] == {
            "code": "TICKET_REJECTED",
            "message": "Garmin refused the service ticket: it was used already, has "
            "expired or was issued for another service URL",
        }
        assert response["tokens"] is None
    assert_logs_clean(bridge_log, used, foreign, expired)


@pytest.mark.parametrize("status", [403, 429])
def test_an_exchange_refused_for_this_network_is_a_login_block(
    bridge: BridgeProcess, sim: Simulator, status: int
) -> None:
    ticket = sim.device_ticket(ATHLETE, PASSWORD, PORTAL)
    sim.fault(endpoint="token-exchange", status=status, retryAfter=120)
    try:
        response = _exchange(bridge, ticket, PORTAL)
    finally:
        sim.clear_faults()

    assert response["ok"] is False
    assert response["error"]["code"] == "LOGIN_BLOCKED"
    assert response["tokens"] is None


@pytest.mark.parametrize(
    "request_",
    [
        {
            "op": "exchange",
            "ticket": "ST-1-abc-cas",
            "serviceUrl": "https://evil.example/app",
        },
        {"op": "exchange", "ticket": "TGT-1-abc", "serviceUrl": PORTAL},
        {"op": "exchange", "ticket": "ST-1-abc-cas"},
        {"op": "exchange", "ticket": "ST-1", "serviceUrl": PORTAL, "extra": 1},
    ],
)
def test_a_malformed_exchange_is_refused_before_garmin(
    bridge: BridgeProcess, sim: Simulator, request_: dict[str, object]
) -> None:
    sim.reset_counters()
    assert request_is_valid(request_) is False
    response = assert_valid_response(bridge.call(request_))
    assert response["error"]["code"] == "INVALID_REQUEST"
    assert sim.counters()["total"] == 0
