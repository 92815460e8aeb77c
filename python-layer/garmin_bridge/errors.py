"""The bridge's closed set of errors, and the classification of failures into it."""

from enum import Enum

from garminconnect import (
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)

from .http_log import DeadlineReached, HttpLog


class Phase(Enum):
    """What the call was doing: a credential login, or work with stored tokens."""

    CREDENTIALS = "credentials"
    TOKENS = "tokens"


class BridgeError(Exception):
    """An error the bridge reports to its caller. Messages never carry secrets."""

    def __init__(
        self, code: str, message: str, retry_after_seconds: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after_seconds = retry_after_seconds

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.retry_after_seconds is not None:
            body["retryAfterSeconds"] = self.retry_after_seconds
        return body


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify(exc: BaseException, log: HttpLog, phase: Phase) -> BridgeError:
    """Map whatever the library raised to a bridge error, trusting what Garmin answered.

    The library hides 429s (inside an authentication error while restoring tokens, or
    swallowed when a token refresh is refused), so a 429 anywhere in this call makes it
    a rate limit: a rate limit must never look like a rejected token or wrong password.
    A 403 is not a rejection either: Garmin also answers it when blocking a network.
    """
    if isinstance(exc, BridgeError):
        return exc
    chain = _chain(exc)
    if log.saw_status(429) or any(
        isinstance(e, GarminConnectTooManyRequestsError) for e in chain
    ):
        return BridgeError(
            "RATE_LIMITED",
            "Garmin is rate limiting requests",
            log.retry_after_seconds(),
        )
    if any(isinstance(e, DeadlineReached) for e in chain):
        return BridgeError(
            "DEADLINE_REACHED", "The caller's deadline came before the work was done"
        )
    if phase is Phase.CREDENTIALS and isinstance(exc, GarminConnectAuthenticationError):
        return BridgeError(
            "INVALID_CREDENTIALS", "Garmin rejected the username or password"
        )
    if phase is Phase.TOKENS and (
        log.saw_token_refusal()
        or (isinstance(exc, GarminConnectAuthenticationError) and log.count == 0)
    ):
        return BridgeError("TOKEN_REJECTED", "Garmin rejected the stored tokens")
    if log.saw_forbidden():
        return BridgeError(
            "UPSTREAM_UNAVAILABLE",
            "Garmin refused access (HTTP 403); it may be blocking this network",
        )
    if log.saw_server_error() or any(
        isinstance(e, GarminConnectConnectionError | OSError) for e in chain
    ):
        return BridgeError(
            "UPSTREAM_UNAVAILABLE", "Garmin is unavailable or answered with an error"
        )
    return BridgeError("INTERNAL", f"Unexpected bridge failure ({type(exc).__name__})")
