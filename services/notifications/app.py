"""The notifications service: webhooks per organisation, signed at-least-once delivery,
an inbox with acknowledgements, and escalation of alerts nobody took up."""

from contextlib import asynccontextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.runtime import Runtime, serve
from services.notifications.api import router
from services.notifications.backoff import Backoff
from services.notifications.deliverer import Deliverer
from services.notifications.domain.escalation import ANY_RECIPIENT, EscalationPolicy
from services.notifications.escalation import Escalations
from services.notifications.fanout import Fanout
from services.notifications.inbox_api import router as inbox_router
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import METADATA

CONSUMER = "notifications"


def escalation_policy(runtime: Runtime) -> EscalationPolicy:
    """The policy from settings; refuses to start when a fallback names an unknown organisation."""
    settings: NotificationsSettings = runtime.settings
    unknown = sorted(
        {org for key, org in settings.escalation_fallback.items() for org in (key, org)}
        - {ANY_RECIPIENT}
        - {organisation.id for organisation in runtime.organisations}
    )
    if unknown:
        raise ValueError(f"NOTIFICATIONS_ESCALATION_FALLBACK names unknown organisations: {unknown}")
    return EscalationPolicy(
        urgent_after=timedelta(seconds=settings.escalation_urgent_after_seconds),
        working_days=settings.escalation_working_days,
        zone=ZoneInfo(settings.working_days_timezone),
        fallback=dict(settings.escalation_fallback),
    )


def create_app(runtime: Runtime, *, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings: NotificationsSettings = runtime.settings
    policy = escalation_policy(runtime)
    client = httpx.AsyncClient(timeout=settings.delivery_timeout_seconds, transport=transport)
    backoff = Backoff(settings.retry_first_delay_seconds, settings.retry_max_delay_seconds, settings.retry_max_attempts)
    deliverer = Deliverer(runtime, client, backoff, settings.delivery_concurrency)
    fanout = runtime.consumer(CONSUMER, Fanout(runtime, policy, deliverer.wake).handlers())
    escalations = Escalations(runtime, policy, deliverer.wake)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            runtime.consume_worker(fanout, [topics.ALERTS, topics.PLACEMENT], CONSUMER),
            deliverer.run,
            runtime.timer("escalations", escalations.check, settings.escalation_check_interval_seconds),
        ]
        try:
            async with serve(runtime, tables=[METADATA], workers=workers):
                yield
        finally:
            await client.aclose()

    return http.service_app(
        runtime,
        title="notifications",
        summary="Alerts and placement news to the organisations that must act, signed and retried; "
        "an inbox to acknowledge them; escalation when nobody does.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[router, inbox_router],
        deliverer=deliverer,
        escalations=escalations,
        http_client=client,
    )
