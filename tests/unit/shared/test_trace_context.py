"""W3C trace context on the chain's CloudEvents (the distributed-tracing extension) and in
its consumers: a consumed event's span is a child of the context it carries, an event
emitted while handling it carries that span on, in a batch too; a missing or malformed
context starts a new trace and is never an error; with an OTLP endpoint the spans leave
over OTLP/HTTP."""

import itertools
import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from shared.bus.consumer import RetryPolicy
from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.envelope import decode, encode, new_event
from shared.contracts.events import triage
from shared.persistence.database import create_tables
from shared.settings import ServiceSettings
from shared.tracing import context_from, span_from_fields, trace_fields, trace_id_from, tracer_provider, well_formed_traceparent
from tests.support.apps import unit_runtime
from tests.support.events import INCASSO, RECEIVED, arrears_event

TOPIC = "signals"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE}-{PARENT_SPAN}-01"
MALFORMED = [
    "not a traceparent",
    42,
    {"trace": TRACE},
    f"00-{'0' * 32}-{PARENT_SPAN}-01",  # the all-zero trace id is invalid
    f"ff-{TRACE}-{PARENT_SPAN}-01",  # version ff is invalid
    f"00-{TRACE.upper()}-{PARENT_SPAN}-01",
    f"00-{TRACE}-{PARENT_SPAN}-01-extra",
    "x" * 10_000,
]


def ids_of(traceparent: str) -> list[str]:
    """Trace id and parent span id (the flags may say more than 'sampled')."""
    return traceparent.split("-")[1:3]


def raw_event(**attributes) -> bytes:
    document = json.loads(encode(arrears_event()))
    document.update(attributes)
    return json.dumps(document).encode()


def test_an_event_carries_the_context_of_the_span_that_produced_it():
    tracer = tracer_provider("test").get_tracer("test")
    template = arrears_event()
    with tracer.start_as_current_span("produce") as span:
        event = new_event(template.data, source=INCASSO, subject=template.subject, time=RECEIVED, trace_context=trace_fields())
    produced = span.get_span_context()
    decoded = decode(encode(event))
    assert ids_of(decoded.envelope.traceparent) == [format_trace_id(produced.trace_id), format_span_id(produced.span_id)]
    assert "tracestate" not in json.loads(encode(decoded)), "no tracestate when the span has none"


def test_a_valid_context_is_kept_with_its_tracestate():
    event = decode(raw_event(traceparent=TRACEPARENT, tracestate="vendor=abc,other=1"))
    assert (event.envelope.traceparent, event.envelope.tracestate) == (TRACEPARENT, "vendor=abc,other=1")
    assert json.loads(encode(event))["traceparent"] == TRACEPARENT, "passed on as it came"


@pytest.mark.parametrize("value", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_traceparent_is_dropped_not_refused(value):
    event = decode(raw_event(traceparent=value, tracestate=["not", "a", "string"]))
    assert event.envelope.traceparent is None and event.envelope.tracestate is None
    assert "traceparent" not in json.loads(encode(event)), "not passed on"


TRACEPARENT_PARTS = (
    ["", " ", "\t", "x"],  # before
    ["00", "01", "cc", "ff", "0", "0g", "FF"],  # version
    ["0" * 32, "4bf92f3577b34da6a3ce929d0e0e4736", "4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e473"],
    ["0" * 16, "00f067aa0ba902b7", "00f067aa0ba902b"],  # parent id
    ["00", "01", "ff", "1", "0x"],  # flags
    ["", " ", "\t ", "-", "-extra", " -x", "x", "-" + "a" * 500],  # after
)


def test_a_traceparent_is_judged_as_opentelemetry_judges_it():
    """The chain's own check (made for speed) and the W3C propagator's give the same answer,
    for every combination of these parts, well formed and not."""
    judged = {}
    for before, version, trace_id, span_id, flags, after in itertools.product(*TRACEPARENT_PARTS):
        value = f"{before}{version}-{trace_id}-{span_id}-{flags}{after}"
        continued = trace.get_current_span(context_from({"traceparent": value})).get_span_context().is_valid
        judged[value] = (well_formed_traceparent(value), continued)
    assert [value for value, (ours, theirs) in judged.items() if ours != theirs] == []
    assert sum(theirs for _, theirs in judged.values()) > 50, "well-formed ones among them"


def test_without_an_exporter_an_events_span_is_the_one_the_sdk_would_start():
    """Where nothing receives spans, a consumed event's span is built directly
    (shared.tracing.span_from_fields); it must be the SDK's: the parent's trace (or a new one
    when there is none), a new span id, not sampled, the random-trace-id flag carried on."""
    tracer = tracer_provider("test").get_tracer("test")
    parents = [None, *MALFORMED[:4]] + [f"00-{TRACE}-{PARENT_SPAN}-{flags}" for flags in ("00", "01", "02", "03", "ff")]
    parents += [f"01-{TRACE}-{PARENT_SPAN}-03-future", f" 00-{TRACE}-{PARENT_SPAN}-01\t"]
    for parent in parents:
        theirs = tracer.start_span("x", context=context_from({"traceparent": parent}), kind=SpanKind.CONSUMER).get_span_context()
        ours = span_from_fields(tracer, "x", parent, None, kind=SpanKind.CONSUMER, attributes=dict).get_span_context()
        continued = theirs.trace_id == int(TRACE, 16)
        assert (ours.trace_id == int(TRACE, 16)) == continued, parent
        assert (ours.trace_flags, ours.trace_state, ours.is_remote, ours.is_valid) == (
            theirs.trace_flags, theirs.trace_state, theirs.is_remote, theirs.is_valid
        ), parent  # fmt: skip
        assert ours.span_id not in (int(PARENT_SPAN, 16), theirs.span_id) and not ours.is_remote
        assert not span_from_fields(tracer, "x", parent, None, kind=SpanKind.CONSUMER, attributes=dict).is_recording()
    assert sum(1 for p in parents if trace_id_from(p if isinstance(p, str) else None)) == 7, "parents that continue a trace"


def test_a_tracestate_or_an_exporter_takes_the_sdks_way():
    provider = tracer_provider("test")
    tracer = provider.get_tracer("test")
    with_state = span_from_fields(tracer, "x", TRACEPARENT, "vendor=abc", kind=SpanKind.CONSUMER, attributes=dict)
    assert with_state.get_span_context().trace_state.get("vendor") == "abc"
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = span_from_fields(tracer, "x", TRACEPARENT, None, kind=SpanKind.CONSUMER, attributes=lambda: {"a": "b"})
    span.end()
    assert span.is_recording() is False and exporter.get_finished_spans()[0].attributes["a"] == "b"
    assert format_trace_id(exporter.get_finished_spans()[0].context.trace_id) == TRACE


def test_an_event_without_trace_context_is_an_event():
    event = decode(raw_event())
    assert event.envelope.traceparent is None and event.id is not None


@pytest.mark.parametrize("batched", [False, True], ids=["one by one", "in a batch"])
async def test_a_consumed_event_is_handled_in_a_child_span_and_what_it_emits_carries_that_span(tmp_path, batched):
    spans = InMemorySpanExporter()
    bus = InMemoryBus(partitions=1)
    runtime = unit_runtime(ServiceSettings, tmp_path, bus, FakeClock())
    await create_tables(runtime.engine)
    runtime.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    seen: dict[str, dict] = {}

    async def emit_assessment(session, event):
        seen[str(event.id)] = trace_fields()
        runtime.emit(session, _assessed(event), subject=event.subject)

    consumer = runtime.consumer("test", {arrears_event().type: emit_assessment}, RetryPolicy(attempts=1, first_delay=0))
    traced, untraced, malformed = raw_event(traceparent=TRACEPARENT), raw_event(), raw_event(traceparent="00-zz")
    await consume_and_relay(bus, runtime, consumer, [traced, untraced, malformed], batched)

    assert consumer.dead_lettered == 0 and consumer.batches_split == 0
    by_event = {span.attributes["cloudevents.event_id"]: span for span in spans.get_finished_spans()}
    ids = [json.loads(value)["id"] for value in (traced, untraced, malformed)]
    child = by_event[ids[0]]
    assert format_trace_id(child.context.trace_id) == TRACE and format_span_id(child.parent.span_id) == PARENT_SPAN
    new_traces = {format_trace_id(by_event[i].context.trace_id) for i in ids[1:]}
    assert by_event[ids[1]].parent is None and by_event[ids[2]].parent is None
    assert len(new_traces) == 2 and TRACE not in new_traces, "each begins a trace of its own"
    for event_id in ids:
        span = by_event[event_id].context
        assert ids_of(seen[event_id]["traceparent"]) == [format_trace_id(span.trace_id), format_span_id(span.span_id)]
    emitted = [decode(record.value) for record in bus.records("triage")]
    assert sorted(trace_id_from(e.envelope.traceparent) for e in emitted) == sorted([TRACE, *new_traces])
    await runtime.engine.dispose()


@pytest.mark.parametrize("batched", [False, True], ids=["one by one", "in a batch"])
async def test_without_an_exporter_the_context_still_travels_through_a_consumer(tmp_path, batched):
    """No processor receives the spans (no SIGNAL_OTLP_ENDPOINT): the consumer's span records
    nothing, yet what it emits carries the same trace on, under a span id of its own. The
    partner's context says sampled; what is passed on says not sampled, as nothing here
    recorded it (OpenTelemetry has no sampled span that does not record)."""
    bus = InMemoryBus(partitions=1)
    runtime = unit_runtime(ServiceSettings, tmp_path, bus, FakeClock())
    await create_tables(runtime.engine)

    recording: list[bool] = []

    async def emit_assessment(session, event):
        recording.append(trace.get_current_span().is_recording())
        runtime.emit(session, _assessed(event), subject=event.subject)

    consumer = runtime.consumer("test", {arrears_event().type: emit_assessment}, RetryPolicy(attempts=1, first_delay=0))
    traced, untraced = raw_event(traceparent=TRACEPARENT), raw_event()
    await consume_and_relay(bus, runtime, consumer, [traced, untraced], batched)

    carried = [decode(record.value).envelope.traceparent for record in bus.records("triage")]
    [continued] = [value for value in carried if ids_of(value)[0] == TRACE]
    [begun] = [value for value in carried if value != continued]
    assert ids_of(continued)[1] != PARENT_SPAN, "a span of its own"
    assert continued.endswith("-00"), "not sampled: the sampled parent does not make it record"
    assert trace_id_from(begun) not in (None, TRACE), "an event without context begins a trace"
    assert recording == [False, False], "nothing is recorded, though the partner's context says sampled"
    await runtime.engine.dispose()


def _assessed(event) -> triage.HouseholdAssessed:
    return triage.HouseholdAssessed(
        signal_id=event.data.signal_id, persons=3, minors=1, minor_ages=[5], is_family=True,
        source=triage.CompositionSource.REGISTER, assessed_on=date(2026, 11, 27), municipality_code="0363",
    )  # fmt: skip


def test_with_an_otlp_endpoint_spans_leave_for_the_collector_over_otlp_http():
    """A real HTTP server stands in for the collector and reads what arrives as OTLP protobuf."""
    arrived: list[tuple[str, str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            arrived.append((self.path, self.headers["Content-Type"], self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        provider = tracer_provider("triage", f"http://127.0.0.1:{server.server_address[1]}/v1/traces")
        with provider.get_tracer("test").start_as_current_span("process something") as span:
            trace_id = span.get_span_context().trace_id
        assert provider.force_flush(timeout_millis=5000)
        provider.shutdown()
    finally:
        server.shutdown()
        server.server_close()
    [(path, content_type, body)] = arrived
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    request = ExportTraceServiceRequest.FromString(body)
    [resource_spans] = request.resource_spans
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    [exported] = resource_spans.scope_spans[0].spans
    assert (service, exported.name, int.from_bytes(exported.trace_id, "big")) == ("signaalketen-triage", "process something", trace_id)


async def consume_and_relay(bus, runtime, consumer, values, batched: bool) -> None:
    """The raw events on the topic, consumed as one batch or one at a time; what they emitted relayed."""
    for value in values:
        bus.append_raw(TOPIC, value)
    if batched:
        await bus.deliver_pending([TOPIC], "g", consumer.process_batch)
    else:
        for record in bus.records(TOPIC):
            await consumer.process_batch([record])
    await runtime.relay.relay_once()
