"""The notifications service: webhooks per organisation, signed at-least-once delivery."""

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.runtime import Runtime, serve
from services.notifications.api import router
from services.notifications.backoff import Backoff
from services.notifications.deliverer import Deliverer
from services.notifications.fanout import Fanout
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import METADATA

CONSUMER = "notifications"


def create_app(runtime: Runtime, *, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings: NotificationsSettings = runtime.settings
    client = httpx.AsyncClient(timeout=settings.delivery_timeout_seconds, transport=transport)
    backoff = Backoff(settings.retry_first_delay_seconds, settings.retry_max_delay_seconds, settings.retry_max_attempts)
    deliverer = Deliverer(runtime, client, backoff, settings.delivery_concurrency)
    fanout = runtime.consumer(CONSUMER, Fanout(runtime, deliverer.wake).handlers())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [runtime.consume_worker(fanout, [topics.ALERTS, topics.PLACEMENT], CONSUMER), deliverer.run]
        try:
            async with serve(runtime, tables=[METADATA], workers=workers):
                yield
        finally:
            await client.aclose()

    app = FastAPI(
        title="Signal chain: notifications",
        summary="Alerts and placement news to the organisations that must act, signed and retried.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.organisations = runtime.organisations
    app.state.deliverer = deliverer
    http.install(app)
    app.include_router(router)
    return app
