"""Long-lived process speaking JSON lines: one request per stdin line, one response per
stdout line, matched by ``id``. Calls run concurrently, so a login waiting minutes for
an MFA code never holds up other users' syncs."""

import json
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, TextIO

from .errors import BridgeError
from .operations import Outcome
from .service import answer as answer_invocation
from .service import envelope

# Most calls wait on Garmin or on an MFA code, so threads are cheap and many.
DEFAULT_WORKERS = 64
# At end of input, calls in flight get this long to finish: a login waiting minutes
# for an MFA code must not keep an orphaned bridge alive after its parent has gone.
SHUTDOWN_GRACE_SECONDS = 10.0


def serve(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    write_lock = threading.Lock()

    def answer(response: dict[str, Any]) -> None:
        line = json.dumps(response, separators=(",", ":"))
        with write_lock:
            stdout.write(line + "\n")
            stdout.flush()

    workers = int(os.environ.get("GARMIN_BRIDGE_WORKERS", DEFAULT_WORKERS))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bridge-call")
    in_flight: list[Future[None]] = []
    for line in stdin:
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError:
            answer(_unparsable())
            continue
        in_flight.append(pool.submit(_answer_one, answer, raw))
        in_flight = [f for f in in_flight if not f.done()]
    wait(in_flight, timeout=SHUTDOWN_GRACE_SECONDS)
    pool.shutdown(wait=False, cancel_futures=True)


def _answer_one(answer: Callable[[dict[str, Any]], None], raw: Any) -> None:
    answer(answer_invocation(raw))


def _unparsable() -> dict[str, Any]:
    error = BridgeError("INVALID_REQUEST", "request line is not valid JSON")
    return envelope(None, Outcome(error=error), garmin_requests=0, duration_ms=0)
