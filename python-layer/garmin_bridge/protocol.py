"""Parsing of bridge requests into typed values.

The TypeScript side validates with the zod schema before sending; the bridge
validates again against the schema exported from it (fastjsonschema), so that a bad
request is answered INVALID_REQUEST and never reaches Garmin. Only what JSON Schema
cannot state (one date before another, a timestamp's calendar day) is checked here.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .errors import BridgeError
from .schema import SchemaViolation, limit, request_ops, validate_request


@dataclass(frozen=True)
class Mailbox:
    user_id: str
    attempt_id: str
    wait_seconds: int


@dataclass(frozen=True)
class LoginRequest:
    username: str
    password: str
    mfa: Mailbox | None
    # The caller's deadline (epoch ms): no Garmin request starts after it.
    deadline_ms: int | None = None


@dataclass(frozen=True)
class VerifyRequest:
    tokens: str
    deadline_ms: int | None = None


@dataclass(frozen=True)
class ExchangeRequest:
    """A service ticket from a sign-in on the user's device, and its service URL."""

    ticket: str = field(repr=False)
    service_url: str
    deadline_ms: int | None = None


@dataclass(frozen=True)
class ActivitiesQuery:
    start_date: str
    end_date: str | None
    page_size: int
    max_pages: int


@dataclass(frozen=True)
class DateRange:
    start_date: str
    end_date: str


@dataclass(frozen=True)
class Probe:
    """Ask first when the device last uploaded; stop there when it is known and no
    later than ``stop_unless_after_ms`` (epoch ms)."""

    stop_unless_after_ms: int | None


@dataclass(frozen=True)
class FetchRequest:
    tokens: str
    display_name: str | None
    activities: ActivitiesQuery | None
    summary_dates: tuple[str, ...]
    profile: bool
    deadline_ms: int | None = None
    day_types: tuple[str, ...] = ()
    weight: DateRange | None = None
    probe: Probe | None = None
    # This call's share of the result bytes when it travels in a batch.
    max_result_bytes: int | None = None


@dataclass(frozen=True)
class PingRequest:
    pass


@dataclass(frozen=True)
class BodyComposition:
    """add_body_composition's arguments (percent, kg, BMI); None: not measured."""

    percent_fat: float | None = None
    percent_hydration: float | None = None
    muscle_mass: float | None = None
    bone_mass: float | None = None
    bmi: float | None = None


@dataclass(frozen=True)
class AddWeighInRequest:
    tokens: str
    timestamp: str
    weight_kg: float
    deadline_ms: int | None = None
    # With it the weigh-in is a FIT upload (add_body_composition), not a manual entry.
    body_composition: BodyComposition | None = None

    @property
    def date(self) -> str:
        return self.timestamp[:10]


@dataclass(frozen=True)
class AddHydrationRequest:
    tokens: str
    date: str
    ml: float
    deadline_ms: int | None = None


WriteRequest = AddWeighInRequest | AddHydrationRequest

Request = (
    LoginRequest
    | VerifyRequest
    | FetchRequest
    | ExchangeRequest
    | PingRequest
    | AddWeighInRequest
    | AddHydrationRequest
)


def _invalid(message: str) -> BridgeError:
    return BridgeError("INVALID_REQUEST", message)


def _check(request: dict[str, Any]) -> None:
    """Validate against the exported schema's variant for the request's op."""
    op = request.get("op")
    if op not in request_ops():
        raise _invalid(f"op must be one of {', '.join(request_ops())}")
    try:
        validate_request(op, request)
    except SchemaViolation as e:
        raise _invalid(str(e)) from None


def _date_range(raw: dict[str, Any], where: str) -> DateRange:
    # Order between two fields is a rule JSON Schema cannot state.
    if raw["endDate"] < raw["startDate"]:
        raise _invalid(f"{where}.endDate is before {where}.startDate")
    return DateRange(start_date=raw["startDate"], end_date=raw["endDate"])


def _activities(raw: dict[str, Any]) -> ActivitiesQuery:
    end_date: str | None = raw.get("endDate")
    if end_date is not None:
        _date_range(raw, "activities")
    return ActivitiesQuery(
        start_date=raw["startDate"],
        end_date=end_date,
        page_size=raw.get("pageSize", limit("defaultActivityPageSize")),
        max_pages=raw.get("maxPages", limit("defaultActivityPages")),
    )


def _body_composition(raw: dict[str, Any]) -> BodyComposition:
    def value(key: str) -> float | None:
        return float(raw[key]) if key in raw else None

    return BodyComposition(
        percent_fat=value("bodyFatPct"),
        percent_hydration=value("bodyWaterPct"),
        muscle_mass=value("muscleMassKg"),
        bone_mass=value("boneMassKg"),
        bmi=value("bmi"),
    )


def _weigh_in_timestamp(timestamp: str) -> str:
    # The schema's pattern fixes the shape; whether the day exists is checked here.
    try:
        dt.date.fromisoformat(timestamp[:10])
    except ValueError as e:
        raise _invalid("addWeighIn.timestamp is not a calendar date") from e
    return timestamp


def deadline_of(request: Request) -> int | None:
    """The caller's deadline (epoch ms), if the request carries one."""
    return None if isinstance(request, PingRequest) else request.deadline_ms


def parse_batch(raw: Any) -> tuple[str | None, list[dict[str, Any]]]:
    """Return (batch id, its calls as sent), each answered on its own by ``handle``.
    Raises BridgeError(INVALID_REQUEST) for a batch the schema refuses as a whole."""
    if not isinstance(raw, dict):
        raise _invalid("request must be a JSON object")
    _check(raw)
    calls: list[dict[str, Any]] = raw["calls"]
    return raw.get("id"), calls


def parse_request(raw: Any) -> tuple[str | None, Request]:
    """Return (request id, typed request). Raises BridgeError(INVALID_REQUEST)."""
    if not isinstance(raw, dict):
        raise _invalid("request must be a JSON object")
    _check(raw)
    request_id: str | None = raw.get("id")
    deadline_ms: int | None = raw.get("deadlineMs")
    match raw["op"]:
        case "login":
            mfa = raw.get("mfa")
            return request_id, LoginRequest(
                username=raw["username"],
                password=raw["password"],
                mfa=Mailbox(mfa["userId"], mfa["attemptId"], mfa["waitSeconds"])
                if mfa is not None
                else None,
                deadline_ms=deadline_ms,
            )
        case "verify":
            return request_id, VerifyRequest(raw["tokens"], deadline_ms)
        case "fetch":
            summaries = raw.get("dailySummaries", {})
            probe = raw.get("probe")
            return request_id, FetchRequest(
                tokens=raw["tokens"],
                display_name=raw.get("displayName"),
                activities=_activities(raw["activities"])
                if "activities" in raw
                else None,
                summary_dates=tuple(dict.fromkeys(summaries.get("dates", []))),
                profile=raw.get("profile", False),
                deadline_ms=deadline_ms,
                day_types=tuple(dict.fromkeys(summaries.get("types", []))),
                weight=_date_range(raw["weight"], "weight")
                if "weight" in raw
                else None,
                probe=Probe(probe.get("stopUnlessAfterMs"))
                if probe is not None
                else None,
                max_result_bytes=raw.get("maxResultBytes"),
            )
        case "exchange":
            return request_id, ExchangeRequest(
                raw["ticket"], raw["serviceUrl"], deadline_ms
            )
        case "addWeighIn":
            composition = raw.get("bodyComposition")
            return request_id, AddWeighInRequest(
                tokens=raw["tokens"],
                timestamp=_weigh_in_timestamp(raw["timestamp"]),
                weight_kg=float(raw["weightKg"]),
                deadline_ms=deadline_ms,
                body_composition=_body_composition(composition)
                if composition is not None
                else None,
            )
        case "addHydration":
            return request_id, AddHydrationRequest(
                raw["tokens"], raw["date"], float(raw["ml"]), deadline_ms
            )
        case "ping":
            return request_id, PingRequest()
        case _:  # "batch": answered call by call (service.handle_batch)
            raise _invalid("a batch is not a single call")
