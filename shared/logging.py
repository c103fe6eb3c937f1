"""Log lines carry event ids, case pseudonyms and organisation ids, never personal data.

Two formats: plain text for a developer's terminal, and one JSON object per line for the
log collectors operators already run (Loki, Elastic, Splunk): `time`, `level`, `service`,
`logger`, `message`, and `trace_id` while a request or a consumed event is handled (the
id of its trace: shared.tracing; the one its audit records carry and a request's
`X-Trace-Id` answer names), plus the exception as text when there is one.
Production logs JSON unless told otherwise (`SIGNAL_LOG_FORMAT`)."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from typing import IO

from pythonjsonlogger.json import JsonFormatter

from shared.tracing import trace_id_in_context


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def log_format_for(environment: str, chosen: LogFormat | None) -> LogFormat:
    """The format chosen in the settings; else JSON in production (for log collectors), text elsewhere."""
    return chosen or (LogFormat.JSON if environment == "production" else LogFormat.TEXT)


class _RequestContext(logging.Filter):
    """Puts the service name, and the trace id of the request in hand, on every record."""

    def __init__(self, service: str):
        super().__init__()
        self._service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self._service
        trace_id = trace_id_in_context()
        if trace_id is not None:
            record.trace_id = trace_id
        return True


def formatter(service: str, log_format: LogFormat) -> logging.Formatter:
    if log_format is LogFormat.JSON:
        return JsonFormatter(
            "{asctime}{levelname}{service}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "exc_info": "exception"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    return logging.Formatter(f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s")


def configure(service: str, level: str = "INFO", log_format: LogFormat = LogFormat.TEXT, *, stream: IO[str] | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(service, log_format))
    handler.addFilter(_RequestContext(service))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
