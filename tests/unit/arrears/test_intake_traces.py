"""The intake begins each signal's trace (docs/adr/0031): a posted signal continues the
partner's `traceparent`, or starts a trace; concurrent posts that share one transaction
(group commit) each keep their own; each row of a batch is one family's signal and gets a
trace of its own, linked to the batch request's span."""

import asyncio

from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import format_trace_id

from shared.contracts.envelope import decode
from shared.tracing import trace_id_from
from tests.support.apps import key, running
from tests.support.intake import arrears_body, arrears_row, dwelling
from tests.support.wait import wait_for

YMERE = key("ymere")


def partner_traceparent(n: int) -> str:
    return f"00-{n:032x}-00f067aa0ba902b7-01"


async def published(bus, count: int) -> list:
    async def all_there():
        events = [decode(record.value) for record in bus.records("signals")]
        return events if len(events) == count else None

    return await wait_for(all_there, what=f"{count} signals on the bus")


async def test_concurrent_posts_sharing_a_transaction_each_carry_their_own_trace(app, bus):
    posts = {n: arrears_body(address={"adresseerbaarObjectIdentificatie": dwelling(n)}) for n in range(1, 9)}
    async with running(app) as client:
        answers = await asyncio.gather(*(
            client.post("/v1/signals", json=body, headers={**YMERE, "traceparent": partner_traceparent(n)})
            for n, body in posts.items()
        ))  # fmt: skip
        events = await published(bus, len(posts))
        untraced = await client.post("/v1/signals", json=arrears_body(), headers=YMERE)
        [started] = [e for e in await published(bus, len(posts) + 1) if str(e.id) == untraced.json()["id"]]
    assert all(answer.status_code == 202 for answer in answers)
    trace_of_signal = {answer.json()["id"]: format(n, "032x") for n, answer in zip(posts, answers)}
    assert {str(e.id): trace_id_from(e.envelope.traceparent) for e in events} == trace_of_signal
    assert app.state.runtime.writes.transactions < len(posts), "the posts did share transactions"
    assert trace_id_from(started.envelope.traceparent) == untraced.headers["X-Trace-Id"], "a trace begun at the intake"


async def test_each_row_of_a_batch_is_a_trace_of_its_own_linked_to_the_request(app, bus):
    spans = InMemorySpanExporter()
    app.state.runtime.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    rows = [arrears_row(n, f"run-row-{n}") for n in range(1, 4)]
    async with running(app) as client:
        answer = await client.post("/v1/signals/batch", json={"signals": rows}, headers={**YMERE, "traceparent": partner_traceparent(7)})
        events = await published(bus, len(rows))
    assert answer.status_code in (200, 207), answer.text
    row_traces = {trace_id_from(event.envelope.traceparent) for event in events}
    assert len(row_traces) == len(rows) and format(7, "032x") not in row_traces
    [request] = [span for span in spans.get_finished_spans() if span.name == "POST /v1/signals/batch"]
    row_spans = [span for span in spans.get_finished_spans() if span.name == "accept batch row"]
    assert {format_trace_id(span.context.trace_id) for span in row_spans} == row_traces
    assert all([link.context.span_id for link in span.links] == [request.context.span_id] for span in row_spans)
