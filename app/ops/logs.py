"""Logging setup: JSON lines for machines or plain text for people, each with the request id.

``log_config`` returns a ``logging.config.dictConfig`` dictionary; uvicorn
applies it in every worker process it starts (``uvicorn.run(log_config=...)``),
so workers log the same way as the parent.
"""

import json
import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any

from app.core.config import Settings
from app.ops.request_context import current_request

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_FIELDS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "color_message"}  # uvicorn's ANSI-coloured copy of the message
)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was logged for ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request()
        record.request_id = info.id if info is not None else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id not in (None, "-"):
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_") and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def resolved_format(settings: Settings) -> str:
    """``auto`` means text on a terminal (a developer) and JSON otherwise (a log collector)."""
    if settings.log_format != "auto":
        return settings.log_format
    return "text" if sys.stderr.isatty() else "json"


def log_config(settings: Settings) -> dict[str, Any]:
    level = settings.log_level.upper()
    passthrough = {"level": level, "handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": resolved_format(settings),
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # uvicorn's own loggers go through the same handler instead of uvicorn's formatters.
        "loggers": {name: dict(passthrough) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(log_config(settings))
