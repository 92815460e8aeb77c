"""The bridge's operations, each one use of the unmodified garminconnect library."""

import base64
import json
import logging
import os
import platform
import time
from dataclasses import dataclass
from importlib.metadata import version
from math import isfinite
from typing import Any

from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
)

from . import seam
from .errors import BridgeError, Phase, classify
from .http_log import HttpLog
from .logs import SecretScope
from .mailbox import MfaMailbox
from .protocol import (
    ActivitiesQuery,
    AddHydrationRequest,
    AddWeighInRequest,
    DateRange,
    ExchangeRequest,
    FetchRequest,
    LoginRequest,
    PingRequest,
    Probe,
    Request,
    VerifyRequest,
    WriteRequest,
)
from .schema import limit, protocol_schema

SOCIAL_PROFILE_PATH = "/userprofile-service/socialProfile"
_LOGGER = logging.getLogger("garmin_bridge")


@dataclass
class Outcome:
    """What one call produced: a result, or an error and what a fetch got before it."""

    result: dict[str, Any] | None = None
    error: BridgeError | None = None
    partial: dict[str, Any] | None = None
    tokens: str | None = None
    tokens_in: str | None = None

    @property
    def tokens_changed(self) -> bool:
        if self.tokens is None:
            return False
        if self.tokens_in is None:
            return True
        return bool(json.loads(self.tokens) != json.loads(self.tokens_in))

    @property
    def tokens_refresh_at(self) -> int | None:
        """When garminconnect will refresh these tokens (epoch s): the DI access token's
        `exp` less the 900 s its client allows (client/tokens.py `_token_expires_soon`).
        None when unknown (no tokens, or no readable `exp`)."""
        exp = _access_token_exp(self.tokens) if self.tokens else None
        return None if exp is None else max(0, exp - ACCESS_TOKEN_REFRESH_MARGIN_S)


def _new_garmin(username: str | None = None, password: str | None = None) -> Garmin:
    # The library retries 5xx itself; keep that short so a sync fails fast and our
    # own scheduler does the backing off (the library never honours Retry-After).
    garmin = Garmin(
        username,
        password,
        return_on_mfa=username is not None,
        retry_attempts=int(os.environ.get("GARMIN_RETRY_ATTEMPTS", "1")),
        retry_min_wait=float(os.environ.get("GARMIN_RETRY_MIN_WAIT", "0.5")),
        retry_max_wait=float(os.environ.get("GARMIN_RETRY_MAX_WAIT", "2")),
    )
    seam.apply(garmin)
    return garmin


def register_blob(secrets: SecretScope, blob: str) -> None:
    """A token blob and each token inside it are secrets."""
    try:
        data = json.loads(blob)
    except ValueError:
        data = {}
    inner = data if isinstance(data, dict) else {}
    secrets.add(blob, inner.get("di_token"), inner.get("di_refresh_token"))


ACCESS_TOKEN_REFRESH_MARGIN_S = 900


def _access_token_exp(blob: str) -> int | None:
    """The `exp` claim of the blob's DI access token (a JWT; read, not verified)."""
    try:
        token = json.loads(blob).get("di_token")
        payload = token.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        exp = json.loads(base64.urlsafe_b64decode(padded)).get("exp")
    except (AttributeError, IndexError, ValueError, TypeError):
        return None
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not isfinite(exp):
        return None
    return int(exp)


# What a later call restores: the client attributes, named as `dumps()` writes them.
DI_TOKEN_KEYS = ("di_token", "di_refresh_token", "di_client_id")


def _has_di_tokens(garmin: Garmin) -> bool:
    """DI tokens are what a later call can restore. After a failed DI exchange the
    library falls back to a JWT_WEB cookie session, which ``dumps()`` cannot carry."""
    return all(getattr(garmin.client, key) for key in DI_TOKEN_KEYS)


def _current_tokens(garmin: Garmin, secrets: SecretScope) -> str | None:
    if not _has_di_tokens(garmin):
        return None
    blob = garmin.client.dumps()
    register_blob(secrets, blob)
    return blob


def _restorable(blob: str) -> bool:
    try:
        data = json.loads(blob)
    except ValueError:
        return False
    return isinstance(data, dict) and all(
        isinstance(data.get(key), str) and data[key] for key in DI_TOKEN_KEYS
    )


UNUSABLE_BLOB = BridgeError(
    "TOKEN_REJECTED", "The token blob holds no usable Garmin DI tokens"
)


def _sign_in_error(exc: Exception, log: HttpLog) -> BridgeError:
    """A login refused at every strategy with 403/427/429 is a block of this network
    (Cloudflare in front of Garmin's SSO), not a per-user rate limit: retrying from
    here only extends it. A chain stopped by the caller's deadline is that deadline."""
    if log.deadline_refused:
        return BridgeError(
            "DEADLINE_REACHED", "The caller's deadline came before the login was done"
        )
    error = classify(exc, log, Phase.CREDENTIALS)
    if error.code == "RATE_LIMITED" or (
        error.code == "UPSTREAM_UNAVAILABLE" and log.saw_forbidden()
    ):
        return BridgeError(
            "LOGIN_BLOCKED",
            "Garmin is refusing sign-ins from this service's network",
            error.retry_after_seconds,
        )
    return error


def _basics(garmin: Garmin) -> dict[str, Any]:
    return {
        "displayName": garmin.display_name or "",
        "fullName": garmin.full_name,
        "profileId": garmin.profile_id,
        "unitSystem": garmin.unit_system,
    }


def _load_profile(garmin: Garmin) -> dict[str, Any]:
    """Social profile + user settings: the two requests the library's login makes."""
    social = garmin.connectapi(SOCIAL_PROFILE_PATH)
    settings = garmin.get_user_profile()
    if not isinstance(social, dict) or not isinstance(settings, dict):
        raise BridgeError("UPSTREAM_UNAVAILABLE", "Garmin returned no profile")
    garmin.display_name = social.get("displayName") or garmin.display_name
    garmin.full_name = social.get("fullName")
    profile_id = social.get("profileId")
    garmin.profile_id = profile_id if isinstance(profile_id, int) else None
    garmin.unit_system = (settings.get("userData") or {}).get("measurementSystem")
    return {
        "basics": _basics(garmin),
        "socialProfile": social,
        "userSettings": settings,
    }


def _time_zone(garmin: Garmin) -> str | None:
    """The user's IANA zone. The library's get_user_timezone() reads a top-level
    ``timeZone``; Garmin's documented shape has it under ``userInfo``: accept both."""
    info = garmin.get_personal_information(
        include_biometric=False, include_vo2max=False
    )
    if not isinstance(info, dict):
        return None
    user_info = info.get("userInfo")
    zone = info.get("timeZone") or (
        user_info.get("timeZone") if isinstance(user_info, dict) else None
    )
    return zone if isinstance(zone, str) and zone else None


def _complete_mfa(
    garmin: Garmin,
    state: Any,
    request: LoginRequest,
    log: HttpLog,
    secrets: SecretScope,
) -> None:
    """Wait for codes in the mailbox; a wrong code may be corrected while it lasts."""
    if request.mfa is None:
        raise BridgeError(
            "MFA_REQUIRED", "Garmin asks for an MFA code and no mailbox was given"
        )
    mailbox = MfaMailbox(request.mfa.user_id, request.mfa.attempt_id)
    mailbox.mark_mfa_required()
    deadline = time.monotonic() + request.mfa.wait_seconds
    had_wrong_code = False
    while (code := mailbox.wait_for_code(deadline)) is not None:
        secrets.add(code.code)
        try:
            garmin.client.resume_login(state, code.code)
        except Exception as e:
            error = classify(e, log, Phase.CREDENTIALS)
            # The pending login survives a refused code (not authenticated yet).
            if error.code != "INVALID_CREDENTIALS" or garmin.client.is_authenticated:
                raise error from e
            mailbox.record_outcome(code.code_id, accepted=False)
            had_wrong_code = True
            continue
        mailbox.record_outcome(code.code_id, accepted=True)
        return
    if had_wrong_code:
        raise BridgeError("MFA_INVALID", "The MFA code was not accepted")
    raise BridgeError("MFA_TIMEOUT", "No MFA code arrived in time")


def login(request: LoginRequest, log: HttpLog, secrets: SecretScope) -> Outcome:
    secrets.add(request.password)
    garmin = _new_garmin(request.username, request.password)
    try:
        status, state = garmin.login()
    except Exception as e:
        return Outcome(error=_sign_in_error(e, log))
    try:
        if status == "needs_mfa":
            _complete_mfa(garmin, state, request, log, secrets)
    except Exception as e:
        return Outcome(error=classify(e, log, Phase.CREDENTIALS))
    return _signed_in(garmin, log, secrets)


def _signed_in(garmin: Garmin, log: HttpLog, secrets: SecretScope) -> Outcome:
    """After a sign-in: DI tokens or nothing, then the profile for the result."""
    if not _has_di_tokens(garmin):
        return Outcome(
            error=BridgeError(
                "LOGIN_INCOMPLETE",
                "Garmin accepted the sign-in but issued no API tokens; try again later",
            )
        )
    # Tokens are read after the last request: any request may have rotated them.
    try:
        profile = _load_profile(garmin)
    except Exception as e:
        return Outcome(
            error=classify(e, log, Phase.TOKENS),
            tokens=_current_tokens(garmin, secrets),
        )
    return Outcome(
        result={"profile": profile["basics"]}, tokens=_current_tokens(garmin, secrets)
    )


def _exchange_error(exc: Exception, log: HttpLog) -> BridgeError:
    """The library tries each DI client id in turn and raises an authentication error
    when all refused the ticket; a 403 or 429 from the token endpoint is Garmin
    refusing this network (as Cloudflare does for cloud ranges), not the ticket."""
    if log.saw_status(403) or log.saw_status(429):
        return BridgeError(
            "LOGIN_BLOCKED",
            "Garmin is refusing the ticket exchange from this service's network",
            log.retry_after_seconds(),
        )
    if isinstance(exc, GarminConnectAuthenticationError) and not log.saw_server_error():
        return BridgeError(
            "TICKET_REJECTED",
            "Garmin refused the service ticket: it was used already, has expired "
            "or was issued for another service URL",
        )
    return classify(exc, log, Phase.TOKENS)


def exchange(request: ExchangeRequest, log: HttpLog, secrets: SecretScope) -> Outcome:
    """A service ticket from a sign-in on the user's device, exchanged with the
    library's own DI exchange (the one its login uses). Called directly, not through
    ``_establish_session``: its JWT_WEB fallback would spend the ticket on a web
    session that cannot be stored."""
    garmin = _new_garmin()
    try:
        garmin.client._exchange_service_ticket(
            request.ticket, service_url=request.service_url
        )
    except Exception as e:
        return Outcome(error=_exchange_error(e, log))
    return _signed_in(garmin, log, secrets)


def verify(request: VerifyRequest, log: HttpLog, secrets: SecretScope) -> Outcome:
    """Restore a token blob made elsewhere (``python -m garmin_bridge login``)."""
    if not _restorable(request.tokens):
        return Outcome(error=UNUSABLE_BLOB)
    garmin = _new_garmin()
    try:
        # With no credentials, a rejected token can never fall back to an SSO login.
        garmin.login(tokenstore=request.tokens)
        result = {"profile": _basics(garmin)}
    except Exception as e:
        return Outcome(
            error=classify(e, log, Phase.TOKENS),
            tokens=_current_tokens(garmin, secrets),
            tokens_in=request.tokens,
        )
    return Outcome(
        result=result,
        tokens=_current_tokens(garmin, secrets),
        tokens_in=request.tokens,
    )


class _Budget:
    """The bytes a result may hold, so the response fits its transport (Lambda's
    synchronous response limit) with room for the envelope. Paging stops once it is
    spent; the caller continues in its next chunk.

    A call's share of a batch is ``strict``: ten answers that each overshot their share
    by a page would not fit one response, so a page or day that would pass the share is
    dropped (fetched again in the next chunk), unless it is the first, which always
    stays so that every chunk makes progress."""

    def __init__(self, limit_bytes: int, strict: bool = False) -> None:
        self.limit = self.left = limit_bytes
        self.strict = strict

    @staticmethod
    def _size(value: Any) -> int:
        return len(json.dumps(value, separators=(",", ":")))

    def admits(self, value: Any) -> bool:
        first = self.left == self.limit
        return first or not self.strict or self._size(value) <= self.left

    def spend(self, value: Any) -> None:
        self.left -= self._size(value)

    @property
    def spent(self) -> bool:
        return self.left <= 0


def _fetch_activities(
    garmin: Garmin, query: ActivitiesQuery, result: dict[str, Any], budget: _Budget
) -> None:
    """Oldest first, so whatever was fetched before a failure is a prefix in time and
    a cursor can safely move to its end."""
    items: list[Any] = []
    collected: dict[str, Any] = {"items": items, "complete": False, "pages": 0}
    result["activities"] = collected
    params = {
        "startDate": query.start_date,
        "limit": str(query.page_size),
        "sortOrder": "asc",
    }
    if query.end_date:
        params["endDate"] = query.end_date
    for page_number in range(1, query.max_pages + 1):
        params["start"] = str(len(items))
        page = garmin.connectapi(garmin.garmin_connect_activities, params=dict(params))
        page_items = page if isinstance(page, list) else []
        if not budget.admits(page_items):
            return
        items.extend(page_items)
        budget.spend(page_items)
        collected["pages"] = page_number
        if not isinstance(page, list) or len(page) < query.page_size:
            collected["complete"] = True
            return
        if budget.spent:
            return


def _day_type(garmin: Garmin, day_type: str, day: str) -> Any:
    """One per-day type through the library's own reader (one request each)."""
    if day_type == "hydration":
        return garmin.get_hydration_data(day)
    return garmin.get_sleep_data(day)


def _fetch_weight(
    garmin: Garmin, weight: DateRange, result: dict[str, Any], budget: _Budget
) -> None:
    """Every weigh-in of the range in one request, however many days it spans."""
    answer = garmin.get_weigh_ins(weight.start_date, weight.end_date)
    weight_range = answer if isinstance(answer, dict) else {}
    budget.spend(weight_range)
    result["weight"] = {
        "startDate": weight.start_date,
        "endDate": weight.end_date,
        "range": weight_range,
    }


def _summary_or_reason(garmin: Garmin, day: str) -> dict[str, Any]:
    """One day, read like the library's get_user_summary but without failing the
    whole fetch for a day Garmin has nothing to show: a 204 (the library turns it
    into ``{}``) or a privacy-protected day is reported for that day alone."""
    url = f"{garmin.garmin_connect_daily_summary_url}/{garmin.display_name}"
    summary = garmin.connectapi(url, params={"calendarDate": day})
    if not isinstance(summary, dict) or not summary:
        return {"date": day, "unavailable": "no_content"}
    if summary.get("privacyProtected") is True:
        return {"date": day, "unavailable": "privacy_protected"}
    return {"date": day, "summary": summary}


def _refresh_display_name(garmin: Garmin) -> bool:
    """Garmin refuses a summary for a display name the user has since changed; the
    social profile tells the current one. True when it changed."""
    social = garmin.connectapi(SOCIAL_PROFILE_PATH)
    name = social.get("displayName") if isinstance(social, dict) else None
    if not isinstance(name, str) or not name or name == garmin.display_name:
        return False
    garmin.display_name = name
    return True


def _fetch_summaries(
    garmin: Garmin,
    dates: tuple[str, ...],
    result: dict[str, Any],
    budget: _Budget,
    log: HttpLog,
    day_types: tuple[str, ...] = (),
) -> None:
    collected: list[dict[str, Any]] = []
    result["dailySummaries"] = {"items": collected}
    if not garmin.display_name and not _refresh_display_name(garmin):
        raise BridgeError("UPSTREAM_UNAVAILABLE", "Garmin returned no display name")
    renamed = False
    for day in dates:
        if budget.spent:
            return
        try:
            item = _summary_or_reason(garmin, day)
        except GarminConnectConnectionError:
            if renamed or not log.last_status_in((403, 404)):
                raise
            renamed = True
            if not _refresh_display_name(garmin):
                raise
            item = _summary_or_reason(garmin, day)
        # Appended only once every type of the day arrived: a day is whole or absent.
        for day_type in day_types:
            answer = _day_type(garmin, day_type, day)
            if isinstance(answer, dict) and answer:
                item[day_type] = answer
        if not budget.admits(item):
            return
        collected.append(item)
        budget.spend(item)


def _last_upload_ms(answer: Any) -> int | None:
    """``lastUsedDeviceUploadTime`` (epoch ms) of ``get_device_last_used``'s answer,
    or None when it names no upload: no device (0, null, a missing field or an empty
    answer) or a shape not seen in recordings. None never stops a fetch."""
    value = answer.get("lastUsedDeviceUploadTime") if isinstance(answer, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if 0 < value < 2**53 else None


def _probe(garmin: Garmin, probe: Probe, result: dict[str, Any]) -> bool:
    """One request: when did the device last upload? True when the fetch stops here."""
    upload = _last_upload_ms(garmin.get_device_last_used())
    bound = probe.stop_unless_after_ms
    stopped = upload is not None and bound is not None and upload <= bound
    result["probe"] = {"lastUploadMs": upload, "stopped": stopped}
    return stopped


def fetch(request: FetchRequest, log: HttpLog, secrets: SecretScope) -> Outcome:
    if not _restorable(request.tokens):
        return Outcome(error=UNUSABLE_BLOB)
    garmin = _new_garmin()
    result: dict[str, Any] = {"displayName": request.display_name}
    try:
        # Tokens only: Garmin() has no credentials, so a token failure can never
        # trigger an SSO login.
        garmin.client.loads(request.tokens)
        garmin.display_name = request.display_name
        if request.probe and _probe(garmin, request.probe, result):
            return Outcome(
                result=result,
                tokens=_current_tokens(garmin, secrets),
                tokens_in=request.tokens,
            )
        if request.profile:
            profile = _load_profile(garmin)
            profile["timeZone"] = _time_zone(garmin)
            result["profile"] = profile
        share = request.max_result_bytes
        budget = _Budget(share or limit("maxResultBytes"), strict=share is not None)
        if request.activities:
            _fetch_activities(garmin, request.activities, result, budget)
        if request.weight:
            _fetch_weight(garmin, request.weight, result, budget)
        if request.summary_dates:
            _fetch_summaries(
                garmin,
                request.summary_dates,
                result,
                budget,
                log,
                request.day_types,
            )
    except Exception as e:
        result["displayName"] = garmin.display_name
        return Outcome(
            error=classify(e, log, Phase.TOKENS),
            partial=result,
            tokens=_current_tokens(garmin, secrets),
            tokens_in=request.tokens,
        )
    result["displayName"] = garmin.display_name
    return Outcome(
        result=result,
        tokens=_current_tokens(garmin, secrets),
        tokens_in=request.tokens,
    )


def _nearest(value: float, scale: int) -> float:
    """The FIT encoder truncates ``value * scale`` to an integer (74.35 kg would be sent
    as 74.34): half a step more makes that truncation round to the nearest step."""
    return value + 0.5 / scale


def _nearest_or_none(value: float | None, scale: int) -> float | None:
    return None if value is None else _nearest(value, scale)


def _write(garmin: Garmin, request: WriteRequest) -> Any:
    """The library's own writer: one POST (weigh-in, or a FIT upload with body
    composition) or PUT (hydration log)."""
    if isinstance(request, AddWeighInRequest):
        body = request.body_composition
        if body is not None:
            # Scales of FitEncoderWeight.write_weight_scale: hundredths, BMI tenths.
            return garmin.add_body_composition(
                request.timestamp,
                _nearest(request.weight_kg, 100),
                percent_fat=_nearest_or_none(body.percent_fat, 100),
                percent_hydration=_nearest_or_none(body.percent_hydration, 100),
                bone_mass=_nearest_or_none(body.bone_mass, 100),
                muscle_mass=_nearest_or_none(body.muscle_mass, 100),
                bmi=_nearest_or_none(body.bmi, 10),
            )
        return garmin.add_weigh_in(request.weight_kg, "kg", request.timestamp)
    return garmin.add_hydration_data(request.ml, cdate=request.date)


def _read_back(garmin: Garmin, request: WriteRequest) -> dict[str, Any]:
    """The written day as a fetch reads it: the caller stores what Garmin now holds."""
    if isinstance(request, AddWeighInRequest):
        answer = garmin.get_weigh_ins(request.date, request.date)
        return {"weight": answer} if isinstance(answer, dict) else {}
    answer = garmin.get_hydration_data(request.date)
    return {"hydration": answer} if isinstance(answer, dict) and answer else {}


def write(request: WriteRequest, log: HttpLog, secrets: SecretScope) -> Outcome:
    """One write, then one read of its day. Once Garmin accepted the write the call
    succeeds whatever the read does: reporting a failure would invite a second write."""
    if not _restorable(request.tokens):
        return Outcome(error=UNUSABLE_BLOB)
    garmin = _new_garmin()
    try:
        garmin.client.loads(request.tokens)
        written = _write(garmin, request)
    except Exception as e:
        return Outcome(
            error=classify(e, log, Phase.TOKENS),
            tokens=_current_tokens(garmin, secrets),
            tokens_in=request.tokens,
        )
    result: dict[str, Any] = {
        "date": request.date,
        "written": written if isinstance(written, dict) else None,
    }
    try:
        result.update(_read_back(garmin, request))
    except Exception as e:  # noqa: BLE001 - the write stands; the next sync reads the day
        _LOGGER.warning("read-back after a write failed: %s", type(e).__name__)
    return Outcome(
        result=result,
        tokens=_current_tokens(garmin, secrets),
        tokens_in=request.tokens,
    )


def ping(_: PingRequest, __: HttpLog, ___: SecretScope) -> Outcome:
    return Outcome(
        result={
            "protocolVersion": protocol_schema()["protocolVersion"],
            "garminconnectVersion": version("garminconnect"),
            "pythonVersion": platform.python_version(),
        }
    )


def run(request: Request, log: HttpLog, secrets: SecretScope) -> Outcome:
    match request:
        case LoginRequest():
            return login(request, log, secrets)
        case VerifyRequest():
            register_blob(secrets, request.tokens)
            return verify(request, log, secrets)
        case FetchRequest():
            register_blob(secrets, request.tokens)
            return fetch(request, log, secrets)
        case ExchangeRequest():
            secrets.add(request.ticket)
            return exchange(request, log, secrets)
        case PingRequest():
            return ping(request, log, secrets)
        case AddWeighInRequest() | AddHydrationRequest():
            register_blob(secrets, request.tokens)
            return write(request, log, secrets)
