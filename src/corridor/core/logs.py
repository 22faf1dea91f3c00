"""Logging filters for the console: what an operator reads while the server runs."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """A refused request (a 4xx: a permission not held, a page not found) is one line, never a
    traceback: Django logs a refused permission with the exception attached, which printed a whole
    traceback for what is the site working as intended. A 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
