"""Schemathesis hooks for the demo's API (test/schemathesis/schemathesis.toml).

The OpenAPI states some rules in prose because JSON Schema cannot relate two query
parameters or know which cursors the server issued. Schemathesis generates "positive"
(schema-valid) cases without them and then expects 2xx, so here its positive cases
follow those documented rules. Negative cases are left as generated: they must still
be refused.

- `from` is not after `to` (every ranged GET; the description says so).
- The daily ranges (daily-summaries, energy, weight, hydration, sleep) span at most
  MAX_SUMMARY_RANGE_DAYS days, `from` and `to` included.
- A weigh-in's muscle and bone mass are at most its weight, and a weigh-in with any
  body-composition field weighs at most MAX_FIT_WEIGHT_KG (the FIT weight field).
- `cursor` is opaque and bound to the caller and the query: only a `nextCursor` the
  server returned is valid. A made-up string is rightly a 400, so positive cases carry
  none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import schemathesis
from schemathesis.generation import GenerationMode

MAX_SUMMARY_RANGE_DAYS = 366  # functions/core/shared/api-schemas.ts
# WRITE_LIMITS.maxFitWeightKg, functions/core/shared/bridge-protocol.ts
MAX_FIT_WEIGHT_KG = 655
COMPOSITION_FIELDS = ("bodyFatPct", "bodyWaterPct", "muscleMassKg", "boneMassKg", "bmi")
DAILY_RANGES = {
    "/garmin/daily-summaries",
    "/garmin/energy",
    "/garmin/weight",
    "/garmin/hydration",
    "/garmin/sleep",
}


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _weigh_in_consistent(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("weightKg"), (int, float)):
        return True
    weight = body["weightKg"]
    if (
        any(field in body for field in COMPOSITION_FIELDS)
        and weight > MAX_FIT_WEIGHT_KG
    ):
        return False
    masses = (body.get(field) for field in ("muscleMassKg", "boneMassKg"))
    return all(not isinstance(mass, (int, float)) or mass <= weight for mass in masses)


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    if (
        case.operation.path == "/garmin/weight"
        and case.method.upper() == "POST"
        and not _weigh_in_consistent(case.body)
    ):
        return False
    query = case.query or {}
    if "cursor" in query:
        return False
    start, end = _day(query.get("from")), _day(query.get("to"))
    if start is not None and end is not None:
        if start > end:
            return False
        span = (end - start).days + 1
        if case.operation.path in DAILY_RANGES and span > MAX_SUMMARY_RANGE_DAYS:
            return False
    return True
