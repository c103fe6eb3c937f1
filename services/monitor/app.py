"""The monitor: consumes every topic, keeps aggregated counts only, serves figures."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.contracts.envelope import Event
from shared.runtime import Runtime, serve
from shared.retention import retention_worker
from shared.retention import router as retention_router
from sqlmodel.ext.asyncio.session import AsyncSession
from services.monitor.api import public, router
from services.monitor.domain.reading import COUNTED_TYPES, read
from services.monitor.publishing import Publications
from services.monitor.settings import MonitorSettings
from services.monitor.retention import RETENTION_JOB, monitor_sweeps
from services.monitor.store import CountStore, claim_generation
from services.monitor.tables import METADATA


def create_app(runtime: Runtime) -> FastAPI:
    settings: MonitorSettings = runtime.settings
    counts = CountStore(settings.link_key.get_secret_value().encode())

    async def count(session: AsyncSession, event: Event) -> None:
        counts.collect(session, read(event))

    async def write_counts(session: AsyncSession) -> None:
        await counts.flush(session, runtime.clock.now())

    name = settings.consumer_name
    consumer = runtime.consumer(name, dict.fromkeys(COUNTED_TYPES, count), finish=write_counts)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        workers = [
            runtime.consume_worker(consumer, topics.ALL, name),
            retention_worker(runtime, RETENTION_JOB, monitor_sweeps(settings.join_retention_days), settings.purge_interval_seconds),
        ]
        on_start = lambda: claim_generation(runtime.sessions, settings.generation, runtime.clock.now())  # noqa: E731
        async with serve(runtime, tables=[METADATA], workers=workers, on_start=on_start):
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
