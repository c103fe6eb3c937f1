"""Benchmark: the CPU tracing adds per event (docs/adr/0031), in one process. Prints figures;
asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_tracing [rounds]

- decoding an event with and without a `traceparent` (the extension is checked on reading);
- a consumer span with its attributes, its parent taken from the event (a partner's
  traceparent that says sampled), and the context put on what it emits (`trace_fields`),
  without an exporter and with a batch span processor (what `SIGNAL_OTLP_ENDPOINT` adds;
  the exporter here drops the spans);
- a span that begins a trace (a timer's check, a request without traceparent), without an
  exporter.
"""

from __future__ import annotations

import sys
import time

from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from shared.bus.event_spans import handling
from shared.bus.port import Record
from shared.contracts.envelope import decode, encode, new_event
from shared.tracing import TIMER_HANDLED, trace_fields, tracer_provider
from tests.support.events import arrears_event


PARTNER_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"  # sampled


class _Dropped(SpanExporter):
    def export(self, spans):
        return SpanExportResult.SUCCESS


def _microseconds(rounds: int, work) -> float:
    started = time.process_time()
    for _ in range(rounds):
        work()
    return 1e6 * (time.process_time() - started) / rounds


def main(rounds: int = 20_000) -> None:
    provider = tracer_provider("bench")
    tracer = provider.get_tracer("bench")
    template = arrears_event()
    event = new_event(template.data, source=template.envelope.source, subject=template.subject,
                      time=template.envelope.time, trace_context={"traceparent": PARTNER_TRACEPARENT})  # fmt: skip
    traced, plain = encode(event), encode(template)
    record = Record("signals", 0, 0, b"k", traced)

    def consume():
        with handling(tracer, record, event, "bench"):
            trace_fields()

    def begin():
        with tracer.start_as_current_span("timer bench") as span:
            span.set_attribute(TIMER_HANDLED, 1)
            trace_fields()

    print(f"tracing cost per event, CPU µs ({rounds:,} rounds, this process):")
    print(f"  decode without traceparent {_microseconds(rounds, lambda: decode(plain)):6.1f}")
    print(f"  decode with traceparent    {_microseconds(rounds, lambda: decode(traced)):6.1f}")
    print(f"  consumer span, no exporter {_microseconds(rounds, consume):6.1f}")
    print(f"  root span, no exporter     {_microseconds(rounds, begin):6.1f}")
    provider.add_span_processor(BatchSpanProcessor(_Dropped()))
    print(f"  consumer span, exporting   {_microseconds(rounds, consume):6.1f}")
    provider.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
