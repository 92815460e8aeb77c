"""Working from a token blob: restore, refresh rotation, and what failures mean."""

import base64
import json
from pathlib import Path

from tests.conftest import BridgeProcess
from tests.helpers import (
    ATHLETE,
    assert_logs_clean,
    assert_valid_response,
    token_secrets,
)
from tests.simulator import Simulator

TOKEN_PATH = "/diauth/di-oauth2-service/oauth/token"  # noqa: S105  (a URL path)


def test_restore_from_a_token_blob_needs_no_password(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str, bridge_log: Path
) -> None:
    response = assert_valid_response(
        bridge.call({"op": "verify", "tokens": athlete_tokens})
    )

    assert response["ok"] is True
    assert response["result"]["profile"]["displayName"]
    assert response["tokensChanged"] is False
    assert sim.by_endpoint() == {"social-profile": 1, "user-settings": 1}
    assert response["garminRequests"] == 2
    assert_logs_clean(bridge_log, *token_secrets(athlete_tokens))


def test_refresh_token_rotates_and_the_old_one_is_refused(
    bridge: BridgeProcess, sim: Simulator, short_lived_tokens: str, bridge_log: Path
) -> None:
    first = bridge.call(
        {
            "op": "fetch",
            "tokens": short_lived_tokens,
            "dailySummaries": {"dates": ["2026-01-05"]},
        }
    )
    assert first["ok"] is True
    second = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": first["tokens"],
                "dailySummaries": {"dates": ["2026-01-06"]},
            }
        )
    )

    assert second["ok"] is True
    assert second["tokensChanged"] is True
    old, new = json.loads(first["tokens"]), json.loads(second["tokens"])
    assert new["di_refresh_token"] != old["di_refresh_token"]
    assert sim.by_endpoint()["token-refresh"] >= 1
    # The refresh token that was rotated away is dead at Garmin.
    status = sim.post_form(
        TOKEN_PATH,
        {
            "grant_type": "refresh_token",
            "client_id": old["di_client_id"],
            "refresh_token": old["di_refresh_token"],
        },
    )
    assert status == 400
    assert_logs_clean(
        bridge_log, *token_secrets(first["tokens"]), *token_secrets(second["tokens"])
    )


def test_429_while_restoring_tokens_is_a_rate_limit_not_a_rejection(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.fault(endpoint="social-profile", status=429, retryAfter=30)

    response = assert_valid_response(
        bridge.call({"op": "verify", "tokens": athlete_tokens})
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "RATE_LIMITED"
    assert response["error"]["retryAfterSeconds"] == 30


def test_429_on_token_refresh_is_a_rate_limit_not_a_rejection(
    bridge: BridgeProcess, sim: Simulator, short_lived_tokens: str
) -> None:
    # The access token has expired at Garmin, so the refused refresh matters.
    sim.advance_clock(120)
    sim.fault(endpoint="token-refresh", status=429, retryAfter=45)

    response = assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": short_lived_tokens,
                "dailySummaries": {"dates": ["2026-01-06"]},
            }
        )
    )

    assert response["error"]["code"] == "RATE_LIMITED"
    assert response["error"]["retryAfterSeconds"] == 45
    # The library swallows a refused refresh; the request log still saw the 429.
    assert sim.by_endpoint()["token-refresh"] >= 1


def test_revoked_tokens_are_rejected_without_any_login(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    sim.revoke(ATHLETE)

    fetched = bridge.call(
        {
            "op": "fetch",
            "tokens": athlete_tokens,
            "dailySummaries": {"dates": ["2026-01-05"]},
        }
    )
    verified = bridge.call({"op": "verify", "tokens": athlete_tokens})

    assert fetched["error"]["code"] == "TOKEN_REJECTED"
    assert verified["error"]["code"] == "TOKEN_REJECTED"
    # Built without credentials: a refused token never turns into an SSO login.
    assert "sso-login" not in sim.by_endpoint()
    assert "sso-signin-page" not in sim.by_endpoint()


def _access_token_exp(blob: str) -> int:
    payload = json.loads(blob)["di_token"].split(".")[1]
    return int(
        json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]
    )


def test_the_answer_says_when_the_library_will_refresh_the_tokens(
    bridge: BridgeProcess, athlete_tokens: str, short_lived_tokens: str
) -> None:
    kept = assert_valid_response(
        bridge.call({"op": "verify", "tokens": athlete_tokens})
    )
    assert kept["tokensChanged"] is False
    assert kept["tokensRefreshAt"] == _access_token_exp(athlete_tokens) - 900
    # Within garminconnect's 15 minutes of expiry: refreshed; the new token's time.
    rotated = assert_valid_response(
        bridge.call({"op": "verify", "tokens": short_lived_tokens})
    )
    assert rotated["tokensChanged"] is True
    assert rotated["tokensRefreshAt"] == max(
        0, _access_token_exp(rotated["tokens"]) - 900
    )
