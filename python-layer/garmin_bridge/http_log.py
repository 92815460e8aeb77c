"""Records every HTTP exchange the library makes with Garmin during one bridge call.

The library sends through ``requests`` sessions and through ``curl_cffi`` (reached via
``garminconnect.client.cffi_requests``, which the library documents as its single switch
for that dependency). Counting at both gives the exact number of Garmin requests per
call, and the statuses let errors be classified by what Garmin really answered, since
the library swallows or re-wraps some of them (a refused token refresh, a 429 inside an
authentication error).
"""

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import requests
from garminconnect import client as garmin_client

TOKEN_ENDPOINT_PATH = "/di-oauth2-service/oauth/token"  # noqa: S105  (a URL path)


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int | None
    retry_after: str | None

    @property
    def is_token_endpoint(self) -> bool:
        return self.path.endswith(TOKEN_ENDPOINT_PATH)


class DeadlineReached(Exception):
    """The caller's deadline passed: no further Garmin request may start."""


@dataclass
class HttpLog:
    exchanges: list[Exchange] = field(default_factory=list)
    # The caller's deadline (epoch ms); requests are refused past it.
    deadline_ms: int | None = None
    # Whether a request was refused for the deadline: the library's login chain swallows
    # each strategy's exception, so the refusal must be remembered here.
    deadline_refused: bool = False

    def check_deadline(self) -> None:
        if self.deadline_ms is not None and time.time() * 1000 >= self.deadline_ms:
            self.deadline_refused = True
            raise DeadlineReached

    def record(
        self, method: str, url: str, status: int | None, retry_after: str | None
    ) -> None:
        # Only the path is kept: query strings can carry tickets.
        self.exchanges.append(
            Exchange(method.upper(), urlsplit(url).path, status, retry_after)
        )

    @property
    def count(self) -> int:
        return len(self.exchanges)

    def saw_status(self, status: int) -> bool:
        return any(e.status == status for e in self.exchanges)

    def saw_server_error(self) -> bool:
        return any(e.status is not None and e.status >= 500 for e in self.exchanges)

    def saw_token_refusal(self) -> bool:
        """Whether Garmin's last word on the tokens was a refusal: an API 401 or the
        token endpoint refusing a refresh (400/401). A 401 the library then cured (a
        refresh accepted, the request answered) is not: an access token expiring by
        Garmin's clock before ours is routine."""
        refused = False
        for e in self.exchanges:
            if e.status is None:
                continue
            if e.status == 401 or (e.is_token_endpoint and e.status == 400):
                refused = True
            elif 200 <= e.status < 300:
                refused = False
        return refused

    def last_status_in(self, statuses: tuple[int, ...]) -> bool:
        return bool(self.exchanges) and self.exchanges[-1].status in statuses

    def saw_forbidden(self) -> bool:
        return self.saw_status(403)

    def retry_after_seconds(self) -> int | None:
        for e in reversed(self.exchanges):
            if e.status == 429 and e.retry_after and e.retry_after.strip().isdigit():
                return int(e.retry_after.strip())
        return None


_current: contextvars.ContextVar[HttpLog | None] = contextvars.ContextVar(
    "garmin_http_log", default=None
)


@contextmanager
def recording() -> Iterator[HttpLog]:
    log = HttpLog()
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)


def _record(method: str, url: str, send: Callable[[], Any]) -> Any:
    log = _current.get()
    if log is not None:
        log.check_deadline()
    try:
        response = send()
    except Exception:
        if log is not None:
            log.record(method, url, None, None)
        raise
    if log is not None:
        log.record(
            method,
            url,
            response.status_code,
            response.headers.get("Retry-After"),
        )
    return response


class _CountingCffi:
    """Stands in for ``curl_cffi.requests``, which the library reads at call time."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

        class CountingSession(real.Session):  # type: ignore[name-defined,misc]
            def request(self, method: str, url: str, **kwargs: Any) -> Any:
                parent = super().request
                return _record(method, url, lambda: parent(method, url, **kwargs))

        self.Session = CountingSession

    def post(self, url: str, **kwargs: Any) -> Any:
        with self.Session() as session:
            return session.request("POST", url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_install_lock = threading.Lock()
_installed = False


def install() -> None:
    """Idempotently wrap the two HTTP stacks the library uses."""
    global _installed
    with _install_lock:
        if _installed:
            return
        original_send = requests.Session.send

        def send(self: requests.Session, request: Any, **kwargs: Any) -> Any:
            return _record(
                str(request.method),
                str(request.url),
                lambda: original_send(self, request, **kwargs),
            )

        requests.Session.send = send  # type: ignore[method-assign]
        if garmin_client.HAS_CFFI:
            counting = _CountingCffi(garmin_client.cffi_requests)  # type: ignore[attr-defined]
            garmin_client.cffi_requests = counting  # type: ignore[attr-defined,assignment]
        _installed = True
