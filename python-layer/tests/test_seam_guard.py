"""Fails if a garminconnect upgrade moves what the bridge relies on."""

import inspect

import garminconnect
import pytest
from garminconnect import Garmin
from garminconnect.client import Client, sso

from garmin_bridge import seam


def test_client_builds_the_base_urls_the_seam_rewrites() -> None:
    client = Client()
    for attribute in seam.CLIENT_URL_ATTRIBUTES:
        value = getattr(client, attribute)
        assert isinstance(value, str)
        assert value.startswith("https://")


def test_login_delays_are_module_constants_of_the_sso_module() -> None:
    source = inspect.getsource(sso)
    for name in seam.LOGIN_DELAY_CONSTANTS:
        assert isinstance(getattr(sso, name), float)
        assert name in source


def test_http_stacks_the_request_log_wraps_exist() -> None:
    assert garminconnect.client.HAS_CFFI is True
    assert hasattr(garminconnect.client.cffi_requests, "Session")


def test_public_api_the_operations_use_exists() -> None:
    garmin = Garmin()
    assert garmin.garmin_connect_activities == (
        "/activitylist-service/activities/search/activities"
    )
    for method in ("login", "connectapi", "get_user_summary", "get_user_profile"):
        assert callable(getattr(garmin, method))
    for method in ("loads", "dumps", "resume_login"):
        assert callable(getattr(garmin.client, method))
    assert "return_on_mfa" in inspect.signature(Garmin).parameters


def test_private_ticket_exchange_the_exchange_op_uses_exists() -> None:
    """operations.exchange calls the library's own CAS ticket -> DI token exchange."""
    exchange = Client()._exchange_service_ticket
    assert list(inspect.signature(exchange).parameters) == ["ticket", "service_url"]
    source = inspect.getsource(exchange)
    # It raises an authentication error when every DI client refused the ticket, and a
    # too-many-requests error on a 429: operations._exchange_error relies on both.
    assert "GarminConnectAuthenticationError" in source
    assert "GarminConnectTooManyRequestsError" in source
    assert "service_ticket" in source and "service_url" in source


def test_seam_is_inert_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(seam.ENV_VAR, raising=False)
    garmin = Garmin()
    seam.apply(garmin)
    assert garmin.client._connectapi == "https://connectapi.garmin.com"
    assert garmin.client._sso == "https://sso.garmin.com"


def test_seam_refuses_non_loopback_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(seam.ENV_VAR, "http://connect.example.com")
    with pytest.raises(seam.SeamConfigError):
        seam.apply(Garmin())
