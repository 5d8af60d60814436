"""Log output of the service and the CLI: JSON lines for machines, text for people.

VIVIDSHIFT_LOG_FORMAT=auto picks text when the stream is a terminal, JSON otherwise.
Every record carries the request id (and user id, once known) of the request being
served. Secrets are kept out twice: nothing of ours logs headers, bodies or query
strings, and the formatters still redact values under secret-looking keys and
bearer tokens, URL passwords and `password=` pairs inside messages, in case a library
logs one.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from vividshift.config import Settings
from vividshift.observability.context import current_request

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|authorization|cookie|api[_-]?key", re.I)
_SECRET_TEXT = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    (re.compile(r"(://[^:/@\s]*):[^@\s]*@"), rf"\1:{REDACTED}@"),
    (
        re.compile(r"(?i)\b(password|passwd|secret|token|authorization)(\s*[=:]\s*)[^\s,;&]+"),
        rf"\1\2{REDACTED}",
    ),
]
# Attributes every LogRecord has: anything else on a record came through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with ANSI colours
    "taskName",
}


def redact_text(text: str) -> str:
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any, key: str = "") -> Any:
    """`value` with secret-looking keys' values replaced, recursively."""
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        k: redact(v, k) for k, v in vars(record).items() if k not in _STANDARD and v is not None
    }


class RequestContextFilter(logging.Filter):
    """Stamps records with the id (and user) of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request()
        if context is not None:
            if getattr(record, "request_id", None) is None:
                record.request_id = context.request_id
            if context.user_id and getattr(record, "user_id", None) is None:
                record.user_id = context.user_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, message, then the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        entry.update(extra_fields(record))
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message key=value …` for a person at a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = redact_text(super().format(record))
        extras = " ".join(f"{k}={v}" for k, v in extra_fields(record).items())
        return f"{line} {extras}" if extras else line


class _OurHandler(logging.StreamHandler):
    """The handler `configure_logging` installed (a second call replaces it). Without a
    stream of its own it writes to the sys.stderr of the moment, not of its creation:
    a stream swapped in for a while (a test runner's) may be closed by then."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(stream)
        self._fixed = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = self._fixed or sys.stderr
        super().emit(record)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to `stream` (default: stderr) in the configured format."""
    fmt = settings.log_format
    if fmt == "auto":
        fmt = "text" if (stream or sys.stderr).isatty() else "json"
    handler = _OurHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    return handler
