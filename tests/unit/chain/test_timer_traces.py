"""A deadline that fires is one trace, from the timer's check to the webhook call: placement
and notifications in-process on one in-memory bus, a shelter's webhook receiver as a real
HTTP server, every service's spans caught by an in-memory exporter. A placed family's
trajectory plan is not made; when the reminder day comes, placement's timer check fires the
reminder in a span that begins a trace, the event carries it, and notifications' consumer
and its call to the shelter's webhook are in that trace (docs/adr/0031)."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode, format_trace_id

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts import event_types
from shared.outages import RetryPolicy
from shared.timers import timer_worker
from shared.tracing import TIMER_HANDLED, WithoutIdleTicks, trace_id_from
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.placement.app import create_app as placement_app
from tests.support.apps import key, running, unit_runtime
from tests.support.placement import HVO, make_runtime, post_request, published
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/hooks/hvo"
FAST = RetryPolicy(first_delay=0.01, max_delay=0.01)
REMINDER = event_types.short_name(event_types.PLACEMENT_PLAN_REMINDER)


@pytest.fixture
def receiver():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


async def test_a_plan_reminder_is_one_trace_from_the_timers_check_to_the_shelters_webhook(tmp_path, receiver):
    bus, clock, spans = InMemoryBus(), FakeClock(), InMemorySpanExporter()
    placement = make_runtime(tmp_path, bus, clock, timer_interval_seconds=0.05, trajectory_plan_days=10, plan_reminder_days=2)
    notifications = unit_runtime(NotificationsSettings, tmp_path, bus, clock)
    for runtime in (placement, notifications):
        runtime.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    async with running(notifications_app(notifications)) as hub, running(placement_app(placement)) as shelters:
        subscribed = await hub.post("/v1/subscriptions", json={"callback_url": receiver.url(PATH), "event_types": [REMINDER]}, headers=key(HVO))
        assert subscribed.status_code == 201, subscribed.text
        receiver.secrets[PATH] = subscribed.json()["secret"]
        offered = await post_request(shelters)
        assert (await shelters.post(f"/v1/requests/{offered['id']}/confirm", headers=key(HVO))).status_code == 200
        clock.advance(days=9)  # the reminder day: two days before the plan is due
        [event] = await published(bus, event_types.PLACEMENT_PLAN_REMINDER, offered["id"])

        async def delivered():
            return receiver.events(PATH, event_types.PLACEMENT_PLAN_REMINDER)

        [reminder] = await wait_for(delivered, what="the plan reminder at the shelter's webhook")

    [tick] = [s for s in spans.get_finished_spans() if s.name == "timer placement" and s.attributes.get(TIMER_HANDLED) == 1]
    trace_id = format_trace_id(tick.context.trace_id)
    assert tick.parent is None and tick.resource.attributes["service.name"] == "signaalketen-placement"
    assert trace_id_from(event.envelope.traceparent) == trace_id, "the event the check staged carries its trace"
    assert trace_id_from(reminder.get("traceparent")) == trace_id
    [delivery] = [r for r in receiver.received if r.path == PATH and r.event["id"] == reminder["id"]]
    assert trace_id_from(delivery.headers.get("traceparent")) == trace_id, "the webhook call is in the timer's trace"
    in_trace = [s for s in spans.get_finished_spans() if format_trace_id(s.context.trace_id) == trace_id]
    kinds = {(s.resource.attributes["service.name"], s.kind) for s in in_trace}
    assert {("signaalketen-notifications", SpanKind.CONSUMER), ("signaalketen-notifications", SpanKind.CLIENT)} <= kinds


async def test_idle_ticks_are_not_exported_and_a_failing_tick_is_with_its_error():
    exported, everything = InMemorySpanExporter(), InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(WithoutIdleTicks(SimpleSpanProcessor(exported)))
    provider.add_span_processor(SimpleSpanProcessor(everything))
    outcomes = iter([0, 0, 2, RuntimeError("database says no"), 0])

    async def check(_now) -> int:
        outcome = next(outcomes, 0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    stop = asyncio.Event()
    worker = asyncio.create_task(timer_worker(FakeClock(), check, 0.01, name="deadlines", retry=FAST, tracer=provider.get_tracer("test"))(stop))
    async def five_ticks():
        return len(everything.get_finished_spans()) >= 5

    await wait_for(five_ticks, what="five ticks")
    stop.set()
    await worker

    assert all(s.name == "timer deadlines" and s.parent is None for s in everything.get_finished_spans())
    assert len({s.context.trace_id for s in everything.get_finished_spans()}) == len(everything.get_finished_spans()), "a trace each"
    [acted, failed] = exported.get_finished_spans()
    assert acted.attributes[TIMER_HANDLED] == 2
    assert failed.status.status_code is StatusCode.ERROR and TIMER_HANDLED not in failed.attributes
