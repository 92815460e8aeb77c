"""AWS Lambda entry point: the invoke payload is one bridge request."""

import os
from typing import Any

from . import logs
from .service import handle

logs.configure(os.environ.get("LOG_LEVEL", "INFO"))


def handler(event: Any, _context: Any) -> dict[str, Any]:
    return handle(event)
