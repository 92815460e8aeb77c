"""The real garminconnect against the simulator's Garmin behaviours: what the library
does when the DI exchange fails, when Cloudflare blocks SSO, on an empty (204) or
privacy-protected day and with an expired refresh token. These are the library's own
reactions, which the bridge has to handle."""

import json
from collections.abc import Callable

import pytest
from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)

from garmin_bridge import seam
from tests.helpers import ATHLETE, PASSWORD
from tests.simulator import Simulator

NEW_USER = "fallback@example.com"
NEW_PASSWORD = "pw-123"  # noqa: S105  (a simulator account's test password)
DAY = "2026-01-05"

GarminFactory = Callable[..., Garmin]


@pytest.fixture
def garmin(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> GarminFactory:
    """A Garmin pointed at the simulator through the bridge's own seam, no retries."""
    monkeypatch.setenv(seam.ENV_VAR, sim.url)

    def make(email: str | None = None, password: str | None = None) -> Garmin:
        client = Garmin(email, password)
        seam.apply(client)
        client.retry_attempts = 0
        return client

    return make


def test_a_failed_di_exchange_ends_in_a_jwt_web_session_without_di_tokens(
    sim: Simulator, garmin: GarminFactory
) -> None:
    sim.create_account(email=NEW_USER, password=NEW_PASSWORD, seeded=True, days=7)
    sim.fail_di_exchange(NEW_USER)
    client = garmin(NEW_USER, NEW_PASSWORD)

    assert client.login() == (None, None)

    assert client.client.jwt_web
    assert json.loads(client.client.dumps()) == {
        "di_token": None,
        "di_refresh_token": None,
        "di_client_id": None,
    }
    endpoints = [entry["endpoint"] for entry in sim.requests()]
    assert endpoints.count("token-exchange") == 4  # every DI client id was tried
    assert "web-ticket" in endpoints


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (
            429,
            GarminConnectTooManyRequestsError,
            "All login strategies rate limited or blocked (HTTP 429/427)",
        ),
        (403, GarminConnectConnectionError, "HTTP 403 (Cloudflare bot challenge)"),
    ],
)
def test_an_sso_block_makes_every_login_strategy_fail(
    sim: Simulator,
    garmin: GarminFactory,
    status: int,
    error: type[Exception],
    message: str,
) -> None:
    sim.block_sso(status=status)

    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        garmin(ATHLETE, PASSWORD).login()

    assert {e["status"] for e in sim.requests()} == {status}


def test_an_sso_block_leaves_api_calls_working(
    sim: Simulator, garmin: GarminFactory
) -> None:
    client = garmin(ATHLETE, PASSWORD)
    client.login()
    sim.block_sso(status=429)

    assert client.get_user_summary(DAY)["calendarDate"] == DAY


def test_empty_and_privacy_protected_days_raise_in_get_user_summary(
    sim: Simulator, garmin: GarminFactory
) -> None:
    client = garmin(ATHLETE, PASSWORD)
    client.login()
    sim.set_day(ATHLETE, DAY, empty=True)
    sim.set_day(ATHLETE, "2026-01-06", privacyProtected=True)
    sim.set_day(ATHLETE, "2026-01-07", noData=True)

    # 204: the library's stand-in response parses as {}, which it refuses.
    with pytest.raises(GarminConnectConnectionError, match="No data received"):
        client.get_user_summary(DAY)
    with pytest.raises(GarminConnectAuthenticationError, match="Authentication error"):
        client.get_user_summary("2026-01-06")
    no_data = client.get_user_summary("2026-01-07")
    assert no_data["includesWellnessData"] is False
    assert no_data["totalKilocalories"] is None


def test_an_expired_refresh_token_ends_in_an_authentication_error(
    sim: Simulator, garmin: GarminFactory
) -> None:
    sim.token_lifetimes(ATHLETE, accessTtlSeconds=60, refreshTtlSeconds=3600)
    first = garmin(ATHLETE, PASSWORD)
    first.login()
    sim.advance_clock(7200)
    sim.reset_counters()
    restored = garmin()
    restored.client.loads(first.client.dumps())
    restored.display_name = first.display_name

    # The refused refresh is swallowed; the retried request's 401 is what surfaces.
    with pytest.raises(GarminConnectAuthenticationError, match="API Error 401"):
        restored.get_user_summary(DAY)

    refreshes = [e for e in sim.requests() if e["endpoint"] == "token-refresh"]
    assert refreshes
    assert {e["status"] for e in refreshes} == {400}
