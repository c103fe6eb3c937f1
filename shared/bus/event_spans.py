"""A span per consumed event, child of the trace context the event carries (its CloudEvents
`traceparent`, shared.tracing); events emitted while it is in hand carry it on.

One event on its own: `handling` makes its span the current one while it is handled.
A batch handled in one transaction (docs/adr/0009): `handling_batch` starts a span per
event, and the batch handler makes each one current around the work it does for that
event (`within`), so a register lookup or an emitted event lands in its own family's trace.
Where nothing receives the spans, they are the non-recording spans of the same trace that
the provider's sampler would make (shared.tracing.UntilReceived), built directly
(shared.tracing.span_from_fields): the context travels on, at a fraction of the CPU.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from shared.bus.port import Record
from shared.contracts.envelope import Event
from shared.tracing import span_from_fields

_batch_spans: ContextVar[Mapping[UUID, Span]] = ContextVar("batch_spans", default={})


def _span_name(event: Event) -> str:
    return f"process {event.type}"


def _attributes(record: Record, event: Event, group: str) -> dict[str, str | int]:
    return {
        "messaging.system": "kafka",
        "messaging.destination.name": record.topic,
        "messaging.destination.partition.id": str(record.partition),
        "messaging.kafka.offset": record.offset,
        "messaging.consumer.group.name": group,
        "cloudevents.event_id": str(event.id),
        "cloudevents.event_type": event.type,
    }


def _span(tracer: Tracer, event: Event, attributes) -> Span:
    envelope = event.envelope
    return span_from_fields(tracer, _span_name(event), envelope.traceparent, envelope.tracestate, kind=SpanKind.CONSUMER, attributes=attributes)


@contextmanager
def handling(tracer: Tracer, record: Record, event: Event, group: str) -> Iterator[Span]:
    """The event's span, current while it is handled; a failure is recorded on it and rises."""
    span = _span(tracer, event, lambda: _attributes(record, event, group))
    with trace.use_span(span, end_on_exit=True):
        yield span


@contextmanager
def handling_batch(tracer: Tracer, pairs: Sequence[tuple[Record, Event]], group: str) -> Iterator[None]:
    """A span per event of the batch, each ended when the batch is done (failed: marked so)."""
    def attributes(record: Record, event: Event):
        return lambda: {**_attributes(record, event, group), "messaging.batch.message_count": len(pairs)}

    spans = {
        event.id: _span(tracer, event, attributes(record, event)) for record, event in pairs
    }
    token = _batch_spans.set(spans)
    try:
        yield
    except Exception as exc:
        for span in spans.values():
            span.set_status(Status(StatusCode.ERROR, f"batch failed: {type(exc).__name__}"))
        raise
    finally:
        _batch_spans.reset(token)
        for span in spans.values():
            span.end()


@contextmanager
def within(event: Event) -> Iterator[None]:
    """Inside a batch: the event's own span is current. Otherwise nothing changes (the span
    of the event handled on its own is already current)."""
    span = _batch_spans.get().get(event.id)
    if span is None:
        yield
        return
    with trace.use_span(span, end_on_exit=False):
        yield
