"""The service's log: one handler that masks personal data and holds back floods of one error.

- Everything that reaches the log's handler is masked (``bot.privacy``): phones, ID numbers and
  secrets in URLs, in the message and in any traceback. SQL parameters never reach it at all: the
  engine is created with ``hide_parameters`` (``bot.db``), so owners' words are not in database
  errors either.
- Every record carries the request id of the HTTP request it was written for (``REQUEST_ID``, set
  by bot/app.py from nginx's ``X-Request-Id`` or made up; tasks started for the request inherit
  it), ``-`` outside a request. ``WUYEBOT_LOG_FORMAT=json`` writes one JSON object per line for a
  log collector, with the same fields (docs/operations.md).
- A record repeated with the same logger, level, message template and exception type within
  ``REPEAT_WINDOW_SECONDS`` is written once; the next one after the window says how many were
  held back. A read-only disk failing every message then costs a line a minute, not 130 a second.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from bot.privacy import mask_for_log

REPEAT_WINDOW_SECONDS = 60.0
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Gives each record the request id of the context it was written in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, request_id, message and, for
    an error, the (already masked) traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


class PrivacyFilter(logging.Filter):
    """Masks the rendered message and the traceback text of each record."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self._formatter = formatter

    def filter(self, record: logging.LogRecord) -> bool:
        masked = mask_for_log(record.getMessage())
        record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_for_log(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_for_log(record.stack_info)
        return True


class RepeatFilter(logging.Filter):
    """Lets the first of a run of alike records through, then one per window with the count held back."""

    def __init__(self, window: float = REPEAT_WINDOW_SECONDS) -> None:
        super().__init__()
        self._window = window
        self._seen: dict[tuple[object, ...], tuple[float, int]] = {}  # key → (window start, held back)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        exc_type = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        key = (record.name, record.levelno, str(record.msg), exc_type)
        now = time.monotonic()
        started, held = self._seen.get(key, (None, 0))
        if started is not None and now - started < self._window:
            self._seen[key] = (started, held + 1)
            return False
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} [{held} more like this in the last {self._window:.0f} s were not logged]"
        return True


class _StandardError(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (as ``logging.lastResort`` does)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None, *,
                      json_lines: bool = False) -> logging.Handler:
    """Install the service's handler on the root logger (replacing handlers it installed before);
    ``json_lines`` for one JSON object per line instead of text."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_wuyebot", False):
            root.removeHandler(existing)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    formatter = logging.Formatter(FORMAT)
    handler.setFormatter(JsonLinesFormatter() if json_lines else formatter)
    handler.addFilter(RequestIdFilter())
    # Repeats are counted before masking, on the message template, so alike records share a key.
    handler.addFilter(RepeatFilter())
    handler.addFilter(PrivacyFilter(formatter))
    handler._wuyebot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
