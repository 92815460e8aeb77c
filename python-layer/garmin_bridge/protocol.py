"""Parsing of bridge requests into typed values.

The TypeScript side validates with the zod schema before sending; this parser
enforces the same rules and limits (read from the exported schema) so that a bad
request is answered INVALID_REQUEST and never reaches Garmin. The tests check it
against the JSON Schema itself.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import BridgeError
from .schema import garmin_service_urls, limit, write_limit

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A local time with its UTC offset: the weigh-in's day is its local date.
_LOCAL_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
_SERVICE_TICKET = re.compile(r"^ST-[A-Za-z0-9._-]{1,250}$")


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


# Per-day types read next to each date's summary (bridge-protocol.ts DAY_TYPES).
DAY_TYPES = ("hydration", "sleep")


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


class _Fields:
    """Reads one JSON object, refusing unknown keys (the zod schemas are strict)."""

    def __init__(self, raw: Any, where: str, allowed: set[str]) -> None:
        if not isinstance(raw, dict):
            raise _invalid(f"{where} must be an object")
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise _invalid(f"{where} has unknown fields: {', '.join(unknown)}")
        self._raw = raw
        self._where = where

    def present(self, key: str) -> bool:
        return key in self._raw

    def string(self, key: str, max_length: int, *, min_length: int = 1) -> str:
        value = self._raw.get(key)
        if not isinstance(value, str) or not min_length <= len(value) <= max_length:
            raise _invalid(
                f"{self._where}.{key} must be a string of {min_length}-{max_length} "
                "characters"
            )
        return value

    def optional_string(self, key: str, max_length: int) -> str | None:
        return self.string(key, max_length) if self.present(key) else None

    def integer(self, key: str, low: int, high: int, default: int | None) -> int:
        if not self.present(key):
            if default is None:
                raise _invalid(f"{self._where}.{key} is required")
            return default
        value = self._raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(f"{self._where}.{key} must be an integer")
        if not low <= value <= high:
            raise _invalid(f"{self._where}.{key} must be between {low} and {high}")
        return value

    def date(self, key: str) -> str:
        return _date(self._raw.get(key), f"{self._where}.{key}")

    def optional_date(self, key: str) -> str | None:
        return self.date(key) if self.present(key) else None

    def positive_number(self, key: str, high: int) -> float:
        value = self._raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(f"{self._where}.{key} must be a number")
        if not 0 < value <= high:
            raise _invalid(f"{self._where}.{key} must be above 0 and at most {high}")
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._raw.get(key, False)
        if not isinstance(value, bool):
            raise _invalid(f"{self._where}.{key} must be a boolean")
        return value

    def raw(self, key: str) -> Any:
        return self._raw.get(key)


def _body_composition(raw: Any) -> BodyComposition:
    """The bounds are the zod schema's maxima; the TypeScript side checks the rest."""
    f = _Fields(
        raw,
        "addWeighIn.bodyComposition",
        {"bodyFatPct", "bodyWaterPct", "muscleMassKg", "boneMassKg", "bmi"},
    )

    def value(key: str, high: str) -> float | None:
        return f.positive_number(key, write_limit(high)) if f.present(key) else None

    return BodyComposition(
        percent_fat=value("bodyFatPct", "maxPercent"),
        percent_hydration=value("bodyWaterPct", "maxPercent"),
        muscle_mass=value("muscleMassKg", "maxFitWeightKg"),
        bone_mass=value("boneMassKg", "maxFitWeightKg"),
        bmi=value("bmi", "maxBmi"),
    )


def _date(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _invalid(f"{where} must be a date YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError as e:
        raise _invalid(f"{where} is not a calendar date") from e
    return value


def _token_blob(fields: _Fields) -> str:
    # Whether the blob holds usable tokens is Garmin's verdict to report
    # (TOKEN_REJECTED), not a malformed request.
    return fields.string("tokens", limit("maxTokenBlobLength"), min_length=2)


def _mailbox(raw: Any) -> Mailbox:
    fields = _Fields(raw, "mfa", {"userId", "attemptId", "waitSeconds"})
    return Mailbox(
        user_id=fields.string("userId", 128),
        attempt_id=fields.string("attemptId", 128),
        wait_seconds=fields.integer("waitSeconds", 1, limit("maxMfaWaitSeconds"), None),
    )


def _activities(raw: Any) -> ActivitiesQuery:
    fields = _Fields(
        raw, "activities", {"startDate", "endDate", "pageSize", "maxPages"}
    )
    query = ActivitiesQuery(
        start_date=fields.date("startDate"),
        end_date=fields.optional_date("endDate"),
        page_size=fields.integer(
            "pageSize",
            1,
            limit("maxActivityPageSize"),
            limit("defaultActivityPageSize"),
        ),
        max_pages=fields.integer(
            "maxPages", 1, limit("maxActivityPages"), limit("defaultActivityPages")
        ),
    )
    if query.end_date is not None and query.end_date < query.start_date:
        raise _invalid("activities.endDate is before activities.startDate")
    return query


def _day_types(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    types = raw.get("types", []) if isinstance(raw, dict) else None
    if not isinstance(types, list) or any(t not in DAY_TYPES for t in types):
        raise _invalid(f"dailySummaries.types must list some of {', '.join(DAY_TYPES)}")
    return tuple(dict.fromkeys(types))


def _date_range(raw: Any, where: str) -> DateRange:
    fields = _Fields(raw, where, {"startDate", "endDate"})
    start, end = fields.date("startDate"), fields.date("endDate")
    if end < start:
        raise _invalid(f"{where}.endDate is before {where}.startDate")
    return DateRange(start_date=start, end_date=end)


def _summary_dates(raw: Any) -> tuple[str, ...]:
    fields = _Fields(raw, "dailySummaries", {"dates", "types"})
    dates = fields.raw("dates")
    if not isinstance(dates, list) or not 1 <= len(dates) <= limit("maxSummaryDates"):
        raise _invalid(
            f"dailySummaries.dates must list 1-{limit('maxSummaryDates')} dates"
        )
    parsed = [_date(d, "dailySummaries.dates[]") for d in dates]
    return tuple(dict.fromkeys(parsed))


_MAX_EPOCH_MS = 2**53 - 1


def _deadline(f: "_Fields") -> int | None:
    return (
        f.integer("deadlineMs", 0, _MAX_EPOCH_MS, 0)
        if f.present("deadlineMs")
        else None
    )


def _probe(raw: Any) -> Probe:
    f = _Fields(raw, "probe", {"stopUnlessAfterMs"})
    return Probe(
        stop_unless_after_ms=f.integer("stopUnlessAfterMs", 0, _MAX_EPOCH_MS, 0)
        if f.present("stopUnlessAfterMs")
        else None
    )


def deadline_of(request: Request) -> int | None:
    """The caller's deadline (epoch ms), if the request carries one."""
    return None if isinstance(request, PingRequest) else request.deadline_ms


def parse_request(raw: Any) -> tuple[str | None, Request]:
    """Return (request id, typed request). Raises BridgeError(INVALID_REQUEST)."""
    if not isinstance(raw, dict):
        raise _invalid("request must be a JSON object")
    request_id = raw.get("id")
    if request_id is not None and (
        not isinstance(request_id, str) or not 1 <= len(request_id) <= 64
    ):
        raise _invalid("id must be a string of 1-64 characters")
    op = raw.get("op")
    if op == "login":
        f = _Fields(
            raw, "login", {"id", "op", "username", "password", "mfa", "deadlineMs"}
        )
        return request_id, LoginRequest(
            username=f.string("username", 254),
            password=f.string("password", 256),
            mfa=_mailbox(f.raw("mfa")) if f.present("mfa") else None,
            deadline_ms=_deadline(f),
        )
    if op == "verify":
        f = _Fields(raw, "verify", {"id", "op", "tokens", "deadlineMs"})
        return request_id, VerifyRequest(
            tokens=_token_blob(f), deadline_ms=_deadline(f)
        )
    if op == "fetch":
        f = _Fields(
            raw,
            "fetch",
            {
                "id",
                "op",
                "tokens",
                "displayName",
                "activities",
                "dailySummaries",
                "weight",
                "profile",
                "deadlineMs",
                "probe",
            },
        )
        return request_id, FetchRequest(
            tokens=_token_blob(f),
            display_name=f.optional_string("displayName", 128),
            activities=_activities(f.raw("activities"))
            if f.present("activities")
            else None,
            summary_dates=_summary_dates(f.raw("dailySummaries"))
            if f.present("dailySummaries")
            else (),
            profile=f.boolean("profile"),
            deadline_ms=_deadline(f),
            day_types=_day_types(f.raw("dailySummaries")),
            weight=_date_range(f.raw("weight"), "weight")
            if f.present("weight")
            else None,
            probe=_probe(f.raw("probe")) if f.present("probe") else None,
        )
    if op == "exchange":
        f = _Fields(raw, "exchange", {"id", "op", "ticket", "serviceUrl", "deadlineMs"})
        ticket = f.string("ticket", 256)
        if not _SERVICE_TICKET.match(ticket):
            raise _invalid("exchange.ticket must be a CAS service ticket (ST-...)")
        service_url = f.string("serviceUrl", 256)
        if service_url not in garmin_service_urls():
            raise _invalid("exchange.serviceUrl is not a Garmin service URL")
        return request_id, ExchangeRequest(
            ticket=ticket, service_url=service_url, deadline_ms=_deadline(f)
        )
    if op == "ping":
        _Fields(raw, "ping", {"id", "op"})
        return request_id, PingRequest()
    if op == "addWeighIn":
        f = _Fields(
            raw,
            "addWeighIn",
            {
                "id",
                "op",
                "tokens",
                "timestamp",
                "weightKg",
                "deadlineMs",
                "bodyComposition",
            },
        )
        timestamp = f.string("timestamp", 25)
        if not _LOCAL_TIMESTAMP.match(timestamp):
            raise _invalid("addWeighIn.timestamp must be a local time with its offset")
        _date(timestamp[:10], "addWeighIn.timestamp")
        return request_id, AddWeighInRequest(
            tokens=_token_blob(f),
            timestamp=timestamp,
            weight_kg=f.positive_number("weightKg", write_limit("maxWeightKg")),
            deadline_ms=_deadline(f),
            body_composition=_body_composition(f.raw("bodyComposition"))
            if f.present("bodyComposition")
            else None,
        )
    if op == "addHydration":
        f = _Fields(
            raw, "addHydration", {"id", "op", "tokens", "date", "ml", "deadlineMs"}
        )
        return request_id, AddHydrationRequest(
            tokens=_token_blob(f),
            date=f.date("date"),
            ml=f.positive_number("ml", write_limit("maxHydrationMl")),
            deadline_ms=_deadline(f),
        )
    raise _invalid(
        "op must be one of login, verify, fetch, exchange, ping, addWeighIn, "
        "addHydration"
    )
