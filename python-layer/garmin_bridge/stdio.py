"""Long-lived process speaking JSON lines: one request per stdin line, one response per
stdout line, matched by ``id``. Calls run concurrently, so a login waiting minutes for
an MFA code never holds up other users' syncs."""

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

from .errors import BridgeError
from .service import handle

DEFAULT_WORKERS = 16


def serve(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    write_lock = threading.Lock()

    def answer(response: dict[str, Any]) -> None:
        line = json.dumps(response, separators=(",", ":"))
        with write_lock:
            stdout.write(line + "\n")
            stdout.flush()

    workers = int(os.environ.get("GARMIN_BRIDGE_WORKERS", DEFAULT_WORKERS))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for line in stdin:
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError:
                answer(_unparsable())
                continue
            pool.submit(lambda r=raw: answer(handle(r)))
    # Leaving the with-block waits for calls in flight: stdin EOF is a clean shutdown.


def _unparsable() -> dict[str, Any]:
    error = BridgeError("INVALID_REQUEST", "request line is not valid JSON")
    return {
        "id": None,
        "ok": False,
        "error": error.to_json(),
        "tokens": None,
        "tokensChanged": False,
        "garminRequests": 0,
        "durationMs": 0,
    }
