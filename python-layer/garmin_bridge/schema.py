"""The protocol schema, exported from the TypeScript zod definitions (one source)."""

import json
from collections.abc import Callable
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


class SchemaViolation(ValueError):
    """A request the exported schema refuses; the message names the field, never its
    value (which may be a secret)."""


@cache
def _request_variants() -> dict[str, dict[str, Any]]:
    return {
        variant["properties"]["op"]["const"]: variant
        for variant in protocol_schema()["request"]["oneOf"]
    }


def request_ops() -> tuple[str, ...]:
    return tuple(_request_variants())


@cache
def _validator(op: str) -> Callable[[Any], Any]:
    # Imported and compiled on first use, one op at a time: a cold start pays only
    # for the op it serves, and an import of the bridge pays nothing.
    import fastjsonschema

    validate: Callable[[Any], Any] = fastjsonschema.compile(_request_variants()[op])
    return validate


def validate_request(op: str, request: dict[str, Any]) -> None:
    """Check a request against its op's variant of the exported schema."""
    from fastjsonschema import JsonSchemaValueException

    try:
        _validator(op)(request)
    except JsonSchemaValueException as e:
        # fastjsonschema calls the request "data"; name it by its op instead.
        raise SchemaViolation(op + e.message.removeprefix("data")) from None


def error_codes() -> frozenset[str]:
    for variant in protocol_schema()["response"]["oneOf"]:
        error = variant["properties"].get("error")
        if error:
            return frozenset(error["properties"]["code"]["enum"])
    raise LookupError("protocol schema has no error codes")
