"""A delivery's request in a span of its signal's trace (docs/adr/0028).

The span is a child of the trace context the delivered CloudEvent carries (its
`traceparent` extension attribute: the span in triage that raised the alert), so the
webhook call is part of the one trace of the family's signal; the request sends the
span's own `traceparent` header, for a receiver that traces too. A ZGW notificatie
carries no trace context: its delivery begins a trace of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.context import Context
from opentelemetry.trace import Span, Tracer

from shared.tracing import client_call, context_from, trace_fields


def context_in(body: str) -> Context:
    """The trace context a stored CloudEvent body names; empty (a new trace) when none or not a CloudEvent."""
    try:
        document = json.loads(body)
    except ValueError:
        return Context()
    return context_from(document) if isinstance(document, dict) else Context()


@contextmanager
def sending(tracer: Tracer, url_kind: str, body: str, attempt_of: str) -> Iterator[tuple[Span, dict[str, str]]]:
    """The span of one attempt to deliver, and the trace headers to send with it."""
    attributes = {"http.request.method": "POST", "signaalketen.delivery.kind": url_kind, "signaalketen.delivery.id": attempt_of}
    with client_call(tracer, f"POST {url_kind}", context_in(body), attributes) as span:
        yield span, trace_fields()
