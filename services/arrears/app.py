"""The intake service: partners post signals; triage's routing and the teams'
feedback come back as the status of each signal."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared import http
from shared.event_handlers import bind, consume_workers
from shared.retention import retention_worker
from shared.retention import router as retention_router
from shared.runtime import Runtime, serve
from services.arrears.api import router
from services.arrears.handlers import CONSUMERS, EVENT_HANDLERS
from services.arrears.domain.retention import RetentionPolicy
from services.arrears.retention import RETENTION_JOB, arrears_sweeps
from services.arrears.settings import ArrearsSettings
from services.arrears.tables import METADATA


def create_app(runtime: Runtime) -> FastAPI:
    settings: ArrearsSettings = runtime.settings
    policy = RetentionPolicy(settings.retention_months_without_eviction, settings.retention_months_after_eviction)
    consumers = consume_workers(runtime, CONSUMERS, bind(EVENT_HANDLERS, CONSUMERS, lambda handler: handler))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            *consumers,
            retention_worker(runtime, RETENTION_JOB, arrears_sweeps(policy), settings.retention_interval_seconds),
        ]
        async with serve(runtime, tables=[METADATA], workers=workers):
            yield

    return http.service_app(
        runtime,
        title="intake",
        summary="Housing corporations, bailiffs and police post what they see; they read back what happened.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[router, retention_router],
    )
