"""The monitor: consumes every topic, keeps aggregated counts only, serves figures."""

from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import http
from shared.event_handlers import bind, consume_workers
from shared.runtime import Runtime, serve
from shared.retention import retention_worker
from shared.retention import router as retention_router
from services.monitor.api import public, router
from services.monitor.handlers import EVENT_HANDLERS, consumers
from services.monitor.publishing import Publications
from services.monitor.settings import MonitorSettings
from services.monitor.retention import RETENTION_JOB, monitor_sweeps
from services.monitor.counts import CountStore, claim_generation
from services.monitor.tables import METADATA


def create_app(runtime: Runtime) -> FastAPI:
    settings: MonitorSettings = runtime.settings
    counts = CountStore(settings.link_key.get_secret_value().encode())

    async def write_counts(session: AsyncSession) -> None:
        await counts.flush(session, runtime.clock.now())

    reading = consumers(settings)
    bound = bind(EVENT_HANDLERS, reading, lambda handler: handler(counts))
    # counts, read by nobody the moment an event happens: every consumer is unhurried (shared.event_handlers)
    consumer_workers = consume_workers(runtime, reading, bound, finish=write_counts, unhurried=set(reading.values()))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            *consumer_workers,
            retention_worker(runtime, RETENTION_JOB, monitor_sweeps(settings.join_retention_days), settings.purge_interval_seconds),
        ]
        on_start = lambda: claim_generation(runtime.sessions, settings.generation, runtime.clock.now())  # noqa: E731
        async with serve(runtime, tables=[METADATA], workers=workers, on_start=on_start, publishes=False):  # counts only
            yield

    app = http.service_app(
        runtime,
        title="monitor",
        summary="How many signals, evictions, families, placements: aggregated counts only, small cells suppressed.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[router, public, retention_router],
    )
    app.state.counts = counts
    app.state.publications = Publications(runtime.sessions, lambda: counts.version)
    return app
