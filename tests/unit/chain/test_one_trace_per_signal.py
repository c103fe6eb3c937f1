"""One family's signal is one trace: the intake, triage and notifications in-process on
one in-memory bus, the register stand-in and a partner's webhook receiver as real HTTP
servers, every service's spans caught by an in-memory exporter. A partner posts one
signal with its own `traceparent`; the alert reaches the webhook with a `traceparent` of
the same trace, every service's spans for the signal are in it, and triage's audit row of
its register read names it. Without an exporter the trace id travels the same way, and
no service records a span."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts import event_types
from shared.runtime import build_runtime
from shared.tracing import trace_id_from
from services.arrears.app import create_app as arrears_app
from services.arrears.settings import ArrearsSettings
from services.notifications.app import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.triage.app import create_app as triage_app
from services.triage.settings import TriageSettings
from tests.support.apps import key, running, unit_runtime
from tests.support.intake import arrears_body
from tests.support.register_server import PERSONEN_BASE, running_register
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver

TEAM = "vroeg-eropaf-amsterdam-nieuw-west"  # the Amsterdam family's arrears (1069JD) reach its stadsdeel's prevention team
PATH = "/hooks/vroeg-eropaf"
PARTNER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARTNER_TRACEPARENT = f"00-{PARTNER_TRACE}-00f067aa0ba902b7-01"
OFFICER = key("functionaris-gegevensbescherming")


@pytest.fixture
def receiver():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def register_root():
    with running_register() as root:
        yield root


@pytest.fixture(params=[True], ids=["exported"])
def chain(request, tmp_path, register_root):
    """The three services' apps on one bus and clock, and (exported) one exporter for all their spans."""
    bus, clock, spans = InMemoryBus(), FakeClock(), InMemorySpanExporter()
    triage_settings = TriageSettings(
        environment="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/triage.db",
        register_url=register_root + PERSONEN_BASE, register_attempts=1, timer_interval_seconds=3600,
    )  # fmt: skip
    runtimes = {
        "arrears": unit_runtime(ArrearsSettings, tmp_path, bus, clock),
        "triage": build_runtime(triage_settings, bus=bus, clock=clock),
        "notifications": unit_runtime(NotificationsSettings, tmp_path, bus, clock),
    }
    if request.param:
        for runtime in runtimes.values():
            runtime.tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    apps = {
        "arrears": arrears_app(runtimes["arrears"]),
        "triage": triage_app(runtimes["triage"]),
        "notifications": notifications_app(runtimes["notifications"]),
    }
    return apps, spans


async def signal_to_webhook(apps, receiver):
    """The partner's signal posted with its traceparent, the intake's answer, the alert at
    the team's webhook and the delivery that brought it, and triage's audit of the trace."""
    async with running(apps["notifications"]) as notifications, running(apps["triage"]) as triage, running(
        apps["arrears"]
    ) as intake:
        subscribed = await notifications.post("/v1/subscriptions", json={"callback_url": receiver.url(PATH)}, headers=key(TEAM))
        assert subscribed.status_code == 201, subscribed.text
        receiver.secrets[PATH] = subscribed.json()["secret"]

        posted = await intake.post("/v1/signals", json=arrears_body(), headers={**key("ymere"), "traceparent": PARTNER_TRACEPARENT})
        assert posted.status_code == 202, posted.text

        async def alert_delivered():
            return receiver.events(PATH, event_types.ALERT_RAISED)

        [alert] = await wait_for(alert_delivered, what="the alert at the team's webhook", timeout=30)
        audit = (await triage.get("/v1/audit", params={"trace_id": PARTNER_TRACE}, headers=OFFICER)).json()
    [delivery] = [r for r in receiver.received if r.path == PATH and r.event["id"] == alert["id"]]
    return posted, alert, delivery, audit


async def test_one_signal_is_one_trace_from_the_intake_through_triage_to_the_webhook(chain, receiver):
    apps, spans = chain
    posted, alert, delivery, audit = await signal_to_webhook(apps, receiver)
    assert posted.headers["X-Trace-Id"] == PARTNER_TRACE, "the intake continues the partner's trace"
    assert trace_id_from(delivery.headers.get("traceparent")) == PARTNER_TRACE, "the webhook call carries the trace"
    assert trace_id_from(alert.get("traceparent")) == PARTNER_TRACE, "the alert's CloudEvent names the trace too"

    in_trace = [span for span in spans.get_finished_spans() if format_trace_id(span.context.trace_id) == PARTNER_TRACE]
    by_service = {}
    for span in in_trace:
        by_service.setdefault(span.resource.attributes["service.name"], []).append(span)
    assert set(by_service) == {"signaalketen-arrears", "signaalketen-triage", "signaalketen-notifications"}
    [server] = [s for s in by_service["signaalketen-arrears"] if s.kind is SpanKind.SERVER]
    assert server.name == "POST /v1/signals" and format_span_id(server.parent.span_id) == "00f067aa0ba902b7"
    consumed = {s.attributes["cloudevents.event_type"] for s in in_trace if s.kind is SpanKind.CONSUMER}
    assert {event_types.ARREARS_REPORTED, event_types.ALERT_RAISED} <= consumed
    [webhook_call] = [s for s in by_service["signaalketen-notifications"] if s.kind is SpanKind.CLIENT]
    assert delivery.headers["traceparent"].split("-")[2] == format_span_id(webhook_call.context.span_id)
    assert webhook_call.attributes["http.response.status_code"] == 204

    [lookup] = [row for row in audit if row["action"] == "register lookup"]
    assert lookup["subject"] == alert["subject"], "triage's read of the family's household data names the trace"


@pytest.mark.parametrize("chain", [False], ids=["no exporter"], indirect=True)
async def test_without_an_exporter_the_signal_is_still_one_trace_and_nothing_is_recorded(chain, receiver):
    """No SIGNAL_OTLP_ENDPOINT anywhere: the partner's context says sampled, yet no service
    records a span; the trace id still goes from the partner's POST to the webhook call."""
    apps, _ = chain
    posted, alert, delivery, audit = await signal_to_webhook(apps, receiver)
    assert posted.headers["X-Trace-Id"] == PARTNER_TRACE
    webhook_traceparent = delivery.headers.get("traceparent")
    assert trace_id_from(webhook_traceparent) == PARTNER_TRACE, "the webhook call carries the partner's trace"
    assert trace_id_from(alert.get("traceparent")) == PARTNER_TRACE
    assert webhook_traceparent.endswith("-00"), "not sampled: no service recorded the trace"
    assert [row["subject"] for row in audit if row["action"] == "register lookup"] == [alert["subject"]]
