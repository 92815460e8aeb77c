"""The protocol schema, exported from the TypeScript zod definitions (one source)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("protocol.schema.json")


@cache
def protocol_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def limit(name: str) -> int:
    value: int = protocol_schema()["limits"][name]
    return value


def write_limit(name: str) -> int:
    value: int = protocol_schema()["writeLimits"][name]
    return value


def mailbox_field(name: str) -> str:
    value: str = protocol_schema()["mailboxFields"][name]
    return value


def attempt_status(name: str) -> str:
    """An attempt status as the exported schema lists it; one the TypeScript side
    renamed fails when the bridge loads."""
    if name not in protocol_schema()["attemptStatuses"]:
        raise LookupError(f"protocol schema has no attempt status {name!r}")
    return name


def garmin_service_urls() -> frozenset[str]:
    """The service URLs Garmin issues tickets for: the only ones an exchange names."""
    return frozenset(protocol_schema()["garminServiceUrls"])


def error_codes() -> frozenset[str]:
    for variant in protocol_schema()["response"]["oneOf"]:
        error = variant["properties"].get("error")
        if error:
            return frozenset(error["properties"]["code"]["enum"])
    raise LookupError("protocol schema has no error codes")
