"""One trace id per request, for the audit log and the logs: the caller's W3C
`traceparent` when it sends one, else a new one; answered in `X-Trace-Id`.

A pure ASGI middleware (no per-request task, unlike BaseHTTPMiddleware) puts the trace
id in a context variable that `shared.audit` reads, so routes do not pass it along.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

TRACE_HEADER = "X-Trace-Id"
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
_trace_id: ContextVar[str | None] = ContextVar("trace_id", default=None)


def trace_id_from(traceparent: str | None) -> str | None:
    """The trace id of a well-formed W3C traceparent (not the all-zero id), else None."""
    match = _TRACEPARENT.match((traceparent or "").strip().lower())
    if match is None or match.group(1) == "0" * 32:
        return None
    return match.group(1)


def new_trace_id() -> str:
    return secrets.token_hex(16)


def trace_id_in_context() -> str | None:
    """The trace id of the request being handled, or None outside one (no new id made)."""
    return _trace_id.get()


def current_trace_id() -> str:
    """The request's trace id; outside a request (a consumer, a timer) a new one."""
    return _trace_id.get() or new_trace_id()


def traceparent(trace_id: str) -> str:
    """A traceparent header continuing `trace_id` with a new span (for calls onwards)."""
    return f"00-{trace_id}-{secrets.token_hex(8)}-01"


class TraceMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        header = next((value for name, value in scope["headers"] if name == b"traceparent"), b"")
        trace_id = trace_id_from(header.decode("latin-1")) or new_trace_id()
        token = _trace_id.set(trace_id)

        async def send_with_trace(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (TRACE_HEADER.lower().encode(), trace_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_trace)
        finally:
            _trace_id.reset(token)
