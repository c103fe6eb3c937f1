"""Every request of the callback client in a span of its signal's trace (docs/adr/0031).

The span is a CLIENT span, child of the trace context the delivered CloudEvent carries
(its `traceparent` extension attribute: the span in triage that raised the alert), so
the webhook call is part of the one trace of the family's signal; a batch of CloudEvents
(a JSON array) continues its first event's trace and links the others'. The request
sends the span's own `traceparent` header, for a receiver that traces too; the signature
covers the body only, so a header added here changes nothing a receiver checks. A ZGW
notificatie is kept with its event's trace context as members of its own
(services.notifications.zgw.notificatie.stored): its span continues that trace too, and
those members are taken off the body before it is sent, so the subscriber gets the
standard's notificatie and the context only as the W3C headers. A body without trace
context (a verification request, a notificatie kept before) begins a trace of its own.

A transport around the address-checking one (pinned_transport), so the deliverer itself
needs no change to be traced.
"""

from __future__ import annotations

import json

import httpx
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanKind, Tracer

from shared.tracing import TRACE_FIELDS, answered, context_from, span_for, trace_fields
from services.notifications.zgw.notificatie import encoded


def parsed(body: bytes) -> object:
    """The request body as JSON, read once per request; None when it is not JSON."""
    try:
        return json.loads(body)
    except ValueError:
        return None


def contexts_in(body: bytes) -> tuple[Context, list[Link]]:
    """The trace context a CloudEvent body names (a batch: its first event's) and links to
    the other events' traces; an empty context (a new trace) when it names none."""
    return contexts_of(parsed(body))


def contexts_of(document: object) -> tuple[Context, list[Link]]:
    """`contexts_in` of a body already parsed."""
    events = [item for item in (document if isinstance(document, list) else [document]) if isinstance(item, dict)]
    contexts = [context_from(event) for event in events]
    others = (trace.get_current_span(context).get_span_context() for context in contexts[1:])
    return (contexts[0] if contexts else Context()), [Link(other) for other in others if other.is_valid]


def without_kept_trace_context(request: httpx.Request, document: object) -> httpx.Request:
    """A ZGW notificatie (`document`, its body parsed) without the trace members it was kept
    with; anything else as it is (a CloudEvent carries `traceparent` by its own standard, and is signed)."""
    if not isinstance(document, dict) or "specversion" in document or not any(name in document for name in TRACE_FIELDS):
        return request
    body = encoded({name: value for name, value in document.items() if name not in TRACE_FIELDS}).encode()
    headers = httpx.Headers(request.headers)
    headers["Content-Length"] = str(len(body))
    return httpx.Request(request.method, request.url, headers=headers, content=body, extensions=request.extensions)


class TracedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, tracer: Tracer):
        self._inner = inner
        self._tracer = tracer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        document = parsed(request.content)
        parent, links = contexts_of(document)
        request = without_kept_trace_context(request, document)
        attributes = lambda: {"http.request.method": request.method, "server.address": request.url.host}  # noqa: E731
        span = span_for(self._tracer, f"{request.method} webhook", context=parent, kind=SpanKind.CLIENT, attributes=attributes, links=links)
        with trace.use_span(span, end_on_exit=True):
            request.headers.update(trace_fields())
            response = await self._inner.handle_async_request(request)
            answered(span, response.status_code, None if response.status_code < 400 else f"HTTP {response.status_code}")
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()
