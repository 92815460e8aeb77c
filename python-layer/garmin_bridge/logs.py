"""Structured JSON logs on stderr, scrubbed of secrets.

Every record, including the library's own and any traceback, goes through one
formatter that removes the secrets registered for calls in flight (passwords,
token blobs and the tokens inside them) and anything shaped like a JWT or a CAS
ticket. Stdout is reserved for the stdio protocol.
"""

import json
import logging
import re
import sys
import threading
import time
from typing import Any

_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
_TICKET = re.compile(r"ST-[\w.-]{6,}")
_MASK = "[redacted]"

_secrets: dict[str, int] = {}
_secrets_lock = threading.Lock()


class SecretScope:
    """Keeps the values added to it out of every log line until the scope ends."""

    def __init__(self) -> None:
        self._held: list[str] = []

    def add(self, *values: str | None) -> None:
        fresh = [v for v in values if v and len(v) >= 4]
        with _secrets_lock:
            for v in fresh:
                _secrets[v] = _secrets.get(v, 0) + 1
        self._held.extend(fresh)

    def __enter__(self) -> "SecretScope":
        return self

    def __exit__(self, *_: object) -> None:
        with _secrets_lock:
            for v in self._held:
                _secrets[v] -= 1
                if not _secrets[v]:
                    del _secrets[v]
        self._held.clear()


def _written_forms(secret: str) -> set[str]:
    """The ways a secret can appear in a log line: as itself, escaped as in JSON
    (ASCII-only or not: non-ASCII, `"` and `\\` change), and escaped as a repr() shows
    it (an exception message or a logged dict)."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    }


def scrub(text: str) -> str:
    with _secrets_lock:
        current = list(_secrets)
    forms = {form for secret in current for form in _written_forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, _MASK)
    return _TICKET.sub(_MASK, _JWT.sub(_MASK, text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            # Scrubbed before json.dumps escapes them, and the line again after.
            "message": scrub(record.getMessage()),
        }
        for key in (
            "requestId",
            "op",
            "durationMs",
            "garminRequests",
            "errorCode",
            "calls",
            "failed",
        ):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return scrub(json.dumps(entry, default=str))


# AWS SDK and HTTP client loggers print whole request and response bodies at DEBUG
# (an MFA code read from the mailbox, for one): never below WARNING, whatever LOG_LEVEL.
_WIRE_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
