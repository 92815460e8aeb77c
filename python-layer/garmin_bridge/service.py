"""One bridge call: parse, run, classify, answer, with one structured log line."""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import http_log
from .errors import BridgeError
from .logs import SecretScope
from .operations import Outcome, run
from .protocol import deadline_of, parse_batch, parse_request

_LOGGER = logging.getLogger("garmin_bridge")


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 64


def _failure(error: BridgeError) -> Outcome:
    return Outcome(error=error)


def envelope(
    request_id: Any, outcome: Outcome, garmin_requests: int, duration_ms: int
) -> dict[str, Any]:
    """The one shape of every bridge response, ok or not."""
    response: dict[str, Any] = {
        # An id the schema refuses is not echoed: the caller could not match it.
        "id": request_id if _valid_id(request_id) else None,
        "ok": outcome.error is None,
        "tokens": outcome.tokens,
        "tokensChanged": outcome.tokens_changed,
        "garminRequests": garmin_requests,
        "durationMs": duration_ms,
    }
    refresh_at = outcome.tokens_refresh_at
    if refresh_at is not None:
        response["tokensRefreshAt"] = refresh_at
    if outcome.error is None:
        response["result"] = outcome.result
    else:
        response["error"] = outcome.error.to_json()
        if outcome.partial is not None:
            response["partial"] = outcome.partial
    return response


def handle(raw: Any, in_batch: bool = False) -> dict[str, Any]:
    """Answer one request. Never raises: every failure becomes an error response.

    A call of a batch logs its line at DEBUG when it succeeded: the batch's own line
    and the worker's line per sync already say it, and CloudWatch bills every byte.
    A failed call keeps its INFO line with the error code."""
    http_log.install()
    started = time.monotonic()
    request_id = raw.get("id") if isinstance(raw, dict) else None
    op = raw.get("op") if isinstance(raw, dict) else None
    with http_log.recording() as log, SecretScope() as secrets:
        try:
            request_id, request = parse_request(raw)
            log.deadline_ms = deadline_of(request)
            outcome = run(request, log, secrets)
        except BridgeError as e:
            outcome = _failure(e)
        except Exception:
            _LOGGER.exception("bridge call crashed")
            outcome = _failure(BridgeError("INTERNAL", "Unexpected bridge failure"))
        response = envelope(
            request_id,
            outcome,
            log.count,
            int((time.monotonic() - started) * 1000),
        )
        _LOGGER.log(
            logging.DEBUG if in_batch and outcome.error is None else logging.INFO,
            "bridge call done",
            extra={
                "requestId": response["id"],
                "op": op if isinstance(op, str) else None,
                "durationMs": response["durationMs"],
                "garminRequests": log.count,
                "errorCode": outcome.error.code if outcome.error else None,
            },
        )
        return response


def handle_batch(raw: Any) -> dict[str, Any]:
    """Answer a batch of fetches: each runs in its own thread with its own Garmin client
    (an invocation lasts about as long as its slowest call) and gets its own answer, so
    one user's failure, deadline or crash never touches another's. Never raises."""
    started = time.monotonic()
    try:
        batch_id, calls = parse_batch(raw)
    except BridgeError as e:
        return envelope(
            raw.get("id") if isinstance(raw, dict) else None, _failure(e), 0, 0
        )
    with ThreadPoolExecutor(
        max_workers=len(calls), thread_name_prefix="bridge-batch"
    ) as pool:
        responses = list(pool.map(lambda call: handle(call, in_batch=True), calls))
    duration_ms = int((time.monotonic() - started) * 1000)
    _LOGGER.info(
        "bridge batch done",
        extra={
            "requestId": batch_id,
            "calls": len(calls),
            "failed": sum(1 for r in responses if not r["ok"]),
            "durationMs": duration_ms,
        },
    )
    return {
        "id": batch_id,
        "ok": True,
        "responses": responses,
        "durationMs": duration_ms,
    }


def answer(raw: Any) -> dict[str, Any]:
    """One invocation's answer: a batch's, or a single call's."""
    if isinstance(raw, dict) and raw.get("op") == "batch":
        return handle_batch(raw)
    return handle(raw)
