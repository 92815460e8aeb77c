"""The log scrubber catches secrets however a log line writes them."""

import io
import logging
from pathlib import Path

import pytest

from garmin_bridge.logs import JsonFormatter, SecretScope
from tests.conftest import BridgeProcess
from tests.helpers import (
    ATHLETE,
    assert_logs_clean,
    assert_valid_response,
    written_forms,
)
from tests.simulator import Simulator

# Characters that JSON and repr() escape: non-ASCII, a quote, a backslash.
AWKWARD_PASSWORDS = [
    "pässwörd-ünïcödé",
    'pass"word"quoted',
    "back\\slash\\pw",
    "ü\"\\mix'ed",
]


def _formatted(secret: str) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"test-scrub-{id(stream)}")
    logger.addHandler(handler)
    logger.propagate = False
    with SecretScope() as scope:
        scope.add(secret)
        logger.error("form %r sent with %s", {"password": secret}, secret)
        try:
            raise ValueError(f"refused {secret!r} / {secret}")
        except ValueError:
            logger.exception("login failed")
    return stream.getvalue()


@pytest.mark.parametrize("secret", AWKWARD_PASSWORDS)
def test_secrets_are_scrubbed_in_every_written_form(secret: str) -> None:
    text = _formatted(secret)
    assert "[redacted]" in text
    for form in written_forms(secret):
        assert form not in text, form


@pytest.mark.parametrize("password", AWKWARD_PASSWORDS[:2])
def test_a_login_with_an_awkward_password_leaves_no_trace(
    bridge: BridgeProcess, sim: Simulator, bridge_log: Path, password: str
) -> None:
    response = assert_valid_response(
        bridge.call({"op": "login", "username": ATHLETE, "password": password})
    )
    assert response["error"]["code"] == "INVALID_CREDENTIALS"
    assert_logs_clean(bridge_log, password)
