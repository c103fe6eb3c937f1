"""The notifications service: webhooks per organisation, signed at-least-once delivery,
an inbox with acknowledgements, escalation of alerts nobody took up, and the same
deliveries to zaaksystemen subscribed through the ZGW Notificaties API (services.notifications.zgw)."""

from contextlib import asynccontextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI

from shared import http
from shared.direct_http import DirectClient
from shared.event_handlers import bind, consume_workers
from shared.runtime import Runtime, serve
from shared.retention import retention_worker
from shared.retention import router as retention_router
from services.notifications.api import router
from services.notifications.backoff import Backoff
from services.notifications.deliverer import Deliverer
from services.notifications.domain.escalation import ANY_RECIPIENT, EscalationPolicy
from services.notifications.escalation import Escalations
from services.notifications.fanout import Fanout
from services.notifications.handlers import CONSUMERS, EVENT_HANDLERS
from services.notifications.inbox_api import router as inbox_router
from services.notifications.delivery_trace import TracedTransport
from services.notifications.pinned_transport import PinnedTransport, Resolver, system_resolver
from services.notifications.webhook_transport import WebhookTransport
from services.notifications.retention import RETENTION_JOB, notification_sweeps
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import METADATA
from services.notifications.verification import CallbackVerifier
from services.notifications.zgw import BASE_PATH as ZGW_BASE_PATH
from services.notifications.zgw.api import router as zgw_router
from services.notifications.zgw.problems import body_refusal as zgw_body_refusal


HANDSHAKE_CONNECTIONS = 2  # webhook connections beyond the deliveries', for subscriptions' handshakes
USER_AGENT = "signal-chain-notifications"  # on every webhook request, delivery or handshake


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


def retention_sweeps(settings: NotificationsSettings):
    return notification_sweeps(settings.retention_delivered_days, settings.retention_dead_days, settings.retention_inbox_months)


def deliverer_for(runtime: Runtime, transport: httpx.AsyncBaseTransport) -> Deliverer:
    """The deliverer, posting through `transport` (the address-checking one, traced) without
    httpx's client (shared.direct_http): one POST per delivery or batch."""
    settings: NotificationsSettings = runtime.settings
    client = DirectClient(transport, settings.delivery_timeout_seconds, {"User-Agent": USER_AGENT})
    backoff = Backoff(settings.retry_first_delay_seconds, settings.retry_max_delay_seconds, settings.retry_max_attempts)
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    return Deliverer(runtime, client, backoff, settings.delivery_concurrency, lease, settings.delivery_idle_poll_seconds)


def callback_client(settings: NotificationsSettings, pinned: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    """The client of a subscription's handshakes (deliveries go through `deliverer_for`'s): each
    request goes to an address checked for it (pinned_transport), traced when wrapped (delivery_trace)."""
    return httpx.AsyncClient(
        timeout=settings.delivery_timeout_seconds, transport=pinned, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    )


def create_app(
    runtime: Runtime, *, transport: httpx.AsyncBaseTransport | None = None, resolver: Resolver = system_resolver
) -> FastAPI:
    """`transport` and `resolver` stand in for the network in tests; the address check stays in front of them."""
    settings: NotificationsSettings = runtime.settings
    policy = escalation_policy(runtime)
    # every delivery in flight has a connection, and a subscription's handshake one more besides
    network = transport or WebhookTransport(settings.delivery_concurrency + HANDSHAKE_CONNECTIONS)
    pinned = PinnedTransport(settings.callback_policy, network, resolver)
    traced = TracedTransport(pinned, runtime.tracer)  # docs/adr/0031
    client = callback_client(settings, traced)
    deliverer = deliverer_for(runtime, traced)
    verifier = CallbackVerifier(client, pinned, settings.handshake_required, settings.verification_timeout_seconds)
    fanout = Fanout(runtime, policy, deliverer.wake)
    consumers = consume_workers(
        runtime, CONSUMERS, bind(EVENT_HANDLERS, CONSUMERS, lambda handler: handler(fanout)), finish=fanout.finish
    )
    escalations = Escalations(runtime, policy, deliverer.wake)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            *consumers,
            deliverer.run,
            runtime.timer("escalations", escalations.check, settings.escalation_check_interval_seconds),
            retention_worker(runtime, RETENTION_JOB, retention_sweeps(settings), settings.retention_interval_seconds),
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
        routers=[router, inbox_router, zgw_router, retention_router],
        deliverer=deliverer,
        escalations=escalations,
        callback_verifier=verifier,
        body_refusals={ZGW_BASE_PATH: zgw_body_refusal},
    )
