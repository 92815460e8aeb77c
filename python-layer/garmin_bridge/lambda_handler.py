"""AWS Lambda entry point: the invoke payload is one bridge request or a batch."""

import os
from typing import Any

from . import logs
from .service import answer

logs.configure(os.environ.get("LOG_LEVEL", "INFO"))


def handler(event: Any, _context: Any) -> dict[str, Any]:
    return answer(event)
