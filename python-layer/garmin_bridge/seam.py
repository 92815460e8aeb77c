"""Test-only seam: point the library at the Garmin simulator.

When ``GARMIN_BASE_URL`` is set (tests and the local demo only; the deployed stack
never sets it), the client's base URLs, which the library builds as plain attributes
in ``Client.__init__``, are rewritten to paths under that URL, and the library's
anti-WAF pauses (which exist for Cloudflare, not for a simulator) are set to zero.
Only loopback URLs are accepted, so a misconfiguration can never send credentials
to another host. ``tests/test_seam_guard.py`` fails if a library upgrade moves any
of these attributes.
"""

import os
from urllib.parse import urlsplit

from garminconnect import Garmin
from garminconnect.client import sso

ENV_VAR = "GARMIN_BASE_URL"

# Client attribute -> path under the simulator's base URL.
CLIENT_URL_ATTRIBUTES: dict[str, str] = {
    "_sso": "/sso",
    "_connect": "/connect",
    "_connectapi": "/connectapi",
    "_ios_service_url": "/mobile-integration/gcm/ios",
    "_mobile_sso_service_url": "/mobile-integration/gcm/android",
    "_portal_service_url": "/connect/app",
    "_di_token_url": "/diauth/di-oauth2-service/oauth/token",
}

LOGIN_DELAY_CONSTANTS = (
    "LOGIN_DELAY_MIN_S",
    "LOGIN_DELAY_MAX_S",
    "WIDGET_DELAY_MIN_S",
    "WIDGET_DELAY_MAX_S",
    "MOBILE_DELAY_MIN_S",
    "MOBILE_DELAY_MAX_S",
)

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class SeamConfigError(RuntimeError):
    pass


def base_url() -> str | None:
    value = os.environ.get(ENV_VAR, "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
        raise SeamConfigError(f"{ENV_VAR} must be a loopback http(s) URL")
    return value


def apply(garmin: Garmin) -> None:
    """Rewrite one Garmin instance's URLs when the seam is active; else do nothing."""
    base = base_url()
    if base is None:
        return
    for attribute, path in CLIENT_URL_ATTRIBUTES.items():
        setattr(garmin.client, attribute, f"{base}{path}")
    for name in LOGIN_DELAY_CONSTANTS:
        setattr(sso, name, 0.0)
