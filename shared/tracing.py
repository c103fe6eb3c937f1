"""Traces with OpenTelemetry (docs/adr/0031): W3C trace context carried from a partner's
POST through Kafka to the webhook call, so one family's signal is one trace; its audit
rows, log lines and the register's protocollering name that trace's id.

- HTTP: `TraceMiddleware` starts a server span per request, continuing the caller's
  `traceparent` (and `tracestate`) when they are well-formed, else a new trace; the
  trace id is answered in `X-Trace-Id`. Calls onwards send `trace_fields()` as headers.
- Kafka: an event carries the context of the span that produced it as the CloudEvents
  distributed-tracing extension (`traceparent`, `tracestate`); consumers start their
  span as its child (shared.bus.event_spans).
- Timers: each check is a span that begins a trace (shared.timers); the events it stages
  carry it on.
- Export: each service's TracerProvider (`tracer_provider`, one per runtime) sends its
  spans to an OTLP/HTTP collector when `SIGNAL_OTLP_ENDPOINT` is set, and nowhere when
  not: the ids are made and the context travels either way. A timer's tick that handled
  nothing (most ticks, every few seconds) is not sent.

A malformed or missing trace context is never an error: the span starts a new trace.

Spans nobody receives. The provider's sampler (`UntilReceived`) drops every span until a
span processor is added (the OTLP exporter, a test's collector): without an exporter each
span is the SDK's non-recording span, with the parent's trace id and tracestate and a new
span id, so the context travels on as it would, without the recording span (attributes,
timestamps, processors) that would be thrown away. Such a span is not sampled, so what it
passes on says `-00` (OpenTelemetry allows no sampled span that does not record). A
consumer's span per event is that same span built directly (`span_from_fields`,
docs/adr/0054).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, Sampler, SamplingResult
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode, TraceFlags, Tracer, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACE_HEADER = "X-Trace-Id"
TRACE_FIELDS = ("traceparent", "tracestate")  # W3C headers; CloudEvents extension attributes of the same names
SCOPE = "signaalketen"  # the instrumentation scope of the chain's own spans
TIMER_HANDLED = "signaalketen.timer.handled"  # what a timer's check handled (shared.timers)
W3C = TraceContextTextMapPropagator()


def tracer_provider(service: str, otlp_endpoint: str | None = None) -> TracerProvider:
    """A service's spans, named `signaalketen-<service>`; exported over OTLP/HTTP when an
    endpoint is given (e.g. http://collector:4318/v1/traces), and not recorded when not.
    Sampling of exported spans follows the standard OTEL_TRACES_SAMPLER variables (default:
    parent-based, always on)."""
    provider = UnrecordedUntilReceived(resource=Resource.create({"service.name": f"signaalketen-{service}"}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # only where exported

        provider.add_span_processor(WithoutIdleTicks(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint))))
    return provider


class UntilReceived(Sampler):
    """Drops every span (ALWAYS_OFF: not recorded, not sampled) until `receive()`; from then
    on the sampler it was given decides. ALWAYS_OFF, unlike ParentBased(ALWAYS_OFF), also
    drops a span whose remote parent says sampled."""

    def __init__(self, when_received: Sampler):
        self._when_received = when_received
        self._now: Sampler = ALWAYS_OFF

    def receive(self) -> None:
        self._now = self._when_received

    @property
    def received(self) -> bool:
        return self._now is not ALWAYS_OFF

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None) -> SamplingResult:
        return self._now.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"UntilReceived{{{self._when_received.get_description()}}}"


class UnrecordedUntilReceived(TracerProvider):
    """A TracerProvider whose spans are recorded only once a span processor receives them:
    until then its sampler (`UntilReceived`) drops them all."""

    def __init__(self, resource: Resource):
        super().__init__(resource=resource)  # its sampler: what OTEL_TRACES_SAMPLER names
        self.sampler = self._sampling = UntilReceived(self.sampler)  # before any tracer takes it

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self._sampling.receive()


class WithoutIdleTicks(SpanProcessor):
    """Passes every ended span on, except a timer's tick that handled nothing: a trace store
    holds what the timers did, not a span every few seconds per timer and instance."""

    def __init__(self, inner: SpanProcessor):
        self._inner = inner

    def on_start(self, span, parent_context: Context | None = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        if (span.attributes or {}).get(TIMER_HANDLED) == 0:
            return
        self._inner.on_end(span)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


@cache
def unexported() -> TracerProvider:
    """For an app built without a runtime's provider: ids and context, no export."""
    return UnrecordedUntilReceived(resource=Resource.create({"service.name": "signaalketen"}))


def span_for(
    tracer: Tracer,
    name: str,
    *,
    context: Context | None,
    kind: SpanKind,
    attributes: Callable[[], Mapping[str, str | int]],
    links: Sequence[Link] = (),
) -> Span:
    """A span, child of the span in `context` (None: the one in hand), not yet current. Its
    attributes are built only when it records (none of the SDK's samplers reads them)."""
    span = tracer.start_span(name, context=context, kind=kind, links=links)
    if span.is_recording():
        span.set_attributes(attributes())
    return span


def span_from_fields(
    tracer: Tracer,
    name: str,
    traceparent: str | None,
    tracestate: str | None,
    *,
    kind: SpanKind,
    attributes: Callable[[], Mapping[str, str | int]],
) -> Span:
    """A span, child of the trace context that W3C fields name (as `context_from` finds it),
    not yet current. Where the tracer drops its spans (no exporter), the span it would make,
    a non-recording span in the parent's trace, is built directly: a consumer makes one per
    event, and the propagator's and the SDK's objects cost several times the span itself.
    A `tracestate` (a partner's vendor data) takes the SDK's way."""
    if tracestate is None and isinstance(sampler := getattr(tracer, "sampler", None), UntilReceived) and not sampler.received:
        return _dropped_child(tracer, traceparent)
    return span_for(tracer, name, context=context_from({"traceparent": traceparent, "tracestate": tracestate}), kind=kind, attributes=attributes)


def _dropped_child(tracer: Tracer, traceparent: str | None) -> Span:
    """What the SDK's tracer, sampling with ALWAYS_OFF, starts as the child of `traceparent`
    (without a tracestate): the parent's trace, or a new one when it names none; a new span
    id; not sampled; the random-trace-id flag carried on. test_trace_context.py holds the
    two to the same span contexts."""
    ids = tracer.id_generator  # the SDK tracer's
    parts = _traceparent_parts(traceparent)
    if parts is None:
        trace_id, random_trace_id = ids.generate_trace_id(), ids.is_trace_id_random()
    else:
        trace_id, random_trace_id = int(parts[1], 16), bool(int(parts[3], 16) & TraceFlags.RANDOM_TRACE_ID)
    flags = TraceFlags(TraceFlags.RANDOM_TRACE_ID if random_trace_id else TraceFlags.DEFAULT)
    return NonRecordingSpan(SpanContext(trace_id, ids.generate_span_id(), is_remote=False, trace_flags=flags))


def context_from(carrier: Mapping[str, str | None] | None) -> Context:
    """The trace context that headers or a CloudEvent's attributes name; an empty context when
    they name none or a malformed one, so that a span started from it begins a new trace."""
    fields = {name: value for name in TRACE_FIELDS if isinstance(value := (carrier or {}).get(name), str)}
    return W3C.extract(fields)


def trace_fields() -> dict[str, str]:
    """The current span's context as W3C fields: `traceparent`, and `tracestate` when it has
    one. Empty outside a span."""
    carrier: dict[str, str] = {}
    W3C.inject(carrier)
    return carrier


# The checks of OpenTelemetry's W3C propagator (TraceContextTextMapPropagator.extract), made
# without building a context and a span from the value: every CloudEvent built or read
# checks its traceparent, and the propagator's objects cost more than the event's other
# fields together. tests/unit/shared/test_trace_context.py holds the two to the same answers.
_TRACEPARENT = re.compile(r"^[ \t]*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:(-.*)|[ \t]*)$")
_TRACEPARENT_MAXIMUM_LENGTH = 512


def well_formed_traceparent(value: object) -> bool:
    """Whether a W3C traceparent names a trace a span could continue (context_from would find it)."""
    return _traceparent_parts(value) is not None


def _traceparent_parts(value: object) -> tuple[str, ...] | None:
    """version, trace id, parent id, flags and what follows, of a well-formed traceparent."""
    if not isinstance(value, str) or len(value) > _TRACEPARENT_MAXIMUM_LENGTH:
        return None
    match = _TRACEPARENT.search(value)
    if match is None:
        return None
    parts = version, trace_id, span_id, _flags, more = match.groups()
    well_formed = trace_id != "0" * 32 and span_id != "0" * 16 and version != "ff" and not (version == "00" and more)
    return parts if well_formed else None


def trace_id_from(traceparent: str | None) -> str | None:
    """The trace id of a well-formed W3C traceparent, else None."""
    span_context = trace.get_current_span(context_from({"traceparent": traceparent})).get_span_context()
    return format_trace_id(span_context.trace_id) if span_context.is_valid else None


def trace_id_in_context() -> str | None:
    """The trace id of the span in hand (a request, a consumed event), or None outside one."""
    span_context = trace.get_current_span().get_span_context()
    return format_trace_id(span_context.trace_id) if span_context.is_valid else None


def current_trace_id() -> str:
    """The current span's trace id (a request's, an event's, a timer check's); outside a span a new id."""
    return trace_id_in_context() or secrets.token_hex(16)


@contextmanager
def own_trace(tracer: Tracer, name: str, attributes: Mapping[str, str | int] | None = None) -> Iterator[Span]:
    """A span that begins a trace of its own, linked to the span in hand: one row of a
    batch is one family's signal, and gets its own trace."""
    in_hand = trace.get_current_span().get_span_context()
    links = [Link(in_hand)] if in_hand.is_valid else []
    with tracer.start_as_current_span(name, context=Context(), links=links, attributes=attributes) as span:
        yield span


@contextmanager
def client_call(tracer: Tracer, name: str, parent: Context | None, attributes: Mapping[str, str | int]) -> Iterator[Span]:
    """A client span for an outgoing request, child of `parent` (None: the span in hand);
    send `trace_fields()` inside it."""
    with tracer.start_as_current_span(name, context=parent, kind=SpanKind.CLIENT, attributes=attributes) as span:
        yield span


def answered(span: Span, status_code: int | None, error: str | None = None) -> None:
    """Note an HTTP answer (or the failure to get one) on its span."""
    if status_code is not None:
        span.set_attribute("http.response.status_code", status_code)
    if error is not None:
        span.set_status(Status(StatusCode.ERROR, error))


class TraceMiddleware:
    """A server span per HTTP request (pure ASGI: no per-request task), continuing the
    caller's trace context; its trace id is answered in `X-Trace-Id`."""

    def __init__(self, app, tracer_provider: TracerProvider | None = None):
        self.app = app
        self._tracer = (tracer_provider or unexported()).get_tracer(SCOPE)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"] if name in _W3C_HEADERS}
        method = scope["method"]
        attributes = {"http.request.method": method, "url.path": scope["path"]}
        span = span_for(self._tracer, method, context=context_from(headers), kind=SpanKind.SERVER, attributes=lambda: attributes)
        with trace.use_span(span, end_on_exit=True):
            trace_id = format_trace_id(span.get_span_context().trace_id).encode()

            async def send_with_trace(message):
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), (b"x-trace-id", trace_id)]
                    answered(span, message["status"], "server error" if message["status"] >= 500 else None)
                await send(message)

            try:
                await self.app(scope, receive, send_with_trace)
            finally:
                route = scope.get("route")
                if route is not None and hasattr(route, "path"):
                    span.update_name(f"{method} {route.path}")
                    span.set_attribute("http.route", route.path)


_W3C_HEADERS = tuple(name.encode() for name in TRACE_FIELDS)
