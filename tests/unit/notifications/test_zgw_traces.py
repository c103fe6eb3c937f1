"""A ZGW notificatie continues its signal's trace (docs/adr/0031), as a webhook's CloudEvent
does: the callback's CLIENT span is a child of the context the alert event carries, the
zaaksysteem receives that trace as the W3C `traceparent` header, and the body it receives
is the standard's notificatie, without trace members (the subscriber validates it against
the consumer OpenAPI). In-memory bus, SQLite, a real subscriber endpoint, an in-memory
span exporter."""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from shared.clock import FakeClock
from shared.runtime import build_runtime
from shared.tracing import trace_id_from
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.events import alert_event, publish
from tests.support.wait import wait_for
from tests.support.zgw_subscriber import ZgwSubscriber

BASE = "/notificaties/api/v1"
GGD = "ggd-amsterdam-vangnet"
SIGNAL_TRACE = "0af7651916cd43dd8448eb211c80319c"
TRIAGE_SPAN = "b7ad6b7169203331"  # the span in triage that raised the alert


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.fixture
def subscriber():
    subscriber = ZgwSubscriber(auth=f"Bearer {secrets.token_hex(16)}")
    yield subscriber
    subscriber.stop()


def traced_alert(clock, traceparent: str | None):
    event = alert_event(GGD, clock.now())
    return dataclasses.replace(event, envelope=event.envelope.model_copy(update={"traceparent": traceparent}))


async def delivered(tmp_path, bus, clock, subscriber, event) -> tuple[list, dict]:
    settings = NotificationsSettings(
        environment="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", escalation_check_interval_seconds=3600
    )
    runtime = build_runtime(settings, bus=bus, clock=clock)
    spans = InMemorySpanExporter()
    runtime.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    async with running(create_app(runtime)) as client:
        kanalen = [{"naam": "signaalketen-alerts", "filters": {}}]
        body = {"callbackUrl": subscriber.url(), "auth": subscriber.auth, "kanalen": kanalen}
        assert (await client.post(f"{BASE}/abonnement", json=body, headers=key(GGD))).status_code == 201
        await publish(bus, event)

        async def arrived():
            return [r for r in subscriber.received if r.notificatie["kanaal"] == "signaalketen-alerts"]

        [request] = await wait_for(arrived, what="the alert notificatie at the zaaksysteem")
    callbacks = [span for span in spans.get_finished_spans() if span.kind is SpanKind.CLIENT and span.name == "POST webhook"]
    return callbacks, request


async def test_the_callback_continues_the_signals_trace_and_the_body_stays_the_standards(tmp_path, bus, clock, subscriber):
    event = traced_alert(clock, f"00-{SIGNAL_TRACE}-{TRIAGE_SPAN}-01")
    callbacks, request = await delivered(tmp_path, bus, clock, subscriber, event)

    [callback] = callbacks
    assert format_trace_id(callback.context.trace_id) == SIGNAL_TRACE, "the callback is in the signal's trace"
    assert format_span_id(callback.parent.span_id) == TRIAGE_SPAN, "child of the span that raised the alert"
    assert trace_id_from(request.headers.get("traceparent")) == SIGNAL_TRACE
    assert request.headers["traceparent"].split("-")[2] == format_span_id(callback.context.span_id)
    assert request.errors == [] and request.answered == 204, "a valid notificatie for the consumer OpenAPI"
    assert set(json.loads(request.body)) == {"kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum", "kenmerken"}
    assert int(request.headers["Content-Length"]) == len(request.body)


async def test_an_event_without_trace_context_gives_a_callback_that_begins_a_trace_of_its_own(tmp_path, bus, clock, subscriber):
    callbacks, request = await delivered(tmp_path, bus, clock, subscriber, traced_alert(clock, None))

    [callback] = callbacks
    assert callback.parent is None, "a new trace"
    assert trace_id_from(request.headers.get("traceparent")) == format_trace_id(callback.context.trace_id)
    assert "traceparent" not in json.loads(request.body) and request.answered == 204
