"""What a cold start imports: only what every call needs (the benchmark times it)."""

import subprocess
import sys
from pathlib import Path

LAYER = Path(__file__).resolve().parents[1]


def _python(code: str) -> str:
    """What a fresh interpreter in the layer prints for `code`."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=LAYER,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _imported_after(module: str, candidates: list[str]) -> set[str]:
    code = (
        f"import sys, {module}; "
        f"print(' '.join(m for m in {candidates!r} if m in sys.modules))"
    )
    return set(_python(code).split())


def test_the_lambda_handler_loads_no_aws_sdk() -> None:
    # boto3 (about a third of the import) serves the MFA mailbox alone: loaded by the
    # login that waits for a code, not by every cold fetch.
    assert (
        _imported_after("garmin_bridge.lambda_handler", ["boto3", "botocore"]) == set()
    )


def test_the_request_validator_is_loaded_by_the_first_call_not_the_import() -> None:
    # Importing fastjsonschema and compiling the schema cost more than a cold import
    # may grow by: the first call pays it, for its own op only.
    assert _imported_after("garmin_bridge.lambda_handler", ["fastjsonschema"]) == set()
    code = (
        "import sys; from garmin_bridge.service import handle; "
        "handle({'op': 'ping'}); print('fastjsonschema' in sys.modules)"
    )
    assert _python(code) == "True"


def test_the_mailbox_loads_it_when_it_needs_a_client() -> None:
    code = (
        "import os, sys; os.environ['ATTEMPTS_TABLE'] = 't'; "
        "os.environ.setdefault('AWS_DEFAULT_REGION', 'eu-west-1'); "
        "from garmin_bridge.mailbox import MfaMailbox; MfaMailbox('u', 'a'); "
        "print('boto3' in sys.modules)"
    )
    assert _python(code) == "True"
