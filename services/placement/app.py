"""The placement service: shelters, capacity, requests, offers and confirmations,
the waiting list and the lost-from-view timer.

The composition root: the Kafka handlers (services.placement.handlers), the timer
checks and the routers (services.placement.api) get the runtime here."""

from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial

from fastapi import FastAPI

from shared import http
from shared.event_handlers import bind, consume_workers
from shared.runtime import Runtime, serve
from shared.retention import retention_worker
from shared.retention import router as retention_router
from services.placement.api import ROUTERS
from services.placement.facilities import seed_facilities
from services.placement.handlers import CONSUMERS, EVENT_HANDLERS
from services.placement.in_view import check_lost_from_view
from services.placement.offers import reconcile
from services.placement.retention import RETENTION_JOB, placement_sweeps
from services.placement.settings import PlacementSettings
from services.placement.tables import METADATA
from services.placement.trajectory_plans import check_plan_deadlines


def create_app(runtime: Runtime) -> FastAPI:
    settings: PlacementSettings = runtime.settings
    handlers = bind(EVENT_HANDLERS, CONSUMERS, lambda handler: partial(handler, runtime))
    consumers = consume_workers(runtime, CONSUMERS, handlers)

    async def tick(now: datetime) -> int:
        """What the timer worker runs: the lost-from-view rule, the plan deadlines (T14), then the waiting-list sweep."""
        return await check_lost_from_view(runtime, now) + await check_plan_deadlines(runtime, now) + await reconcile(runtime, now)

    sweeps = placement_sweeps(settings.retention_months, settings.case_region_retention_months)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with serve(
            runtime,
            tables=[METADATA],
            workers=[
                *consumers,
                runtime.timer("placement", tick, settings.timer_interval_seconds),
                retention_worker(runtime, RETENTION_JOB, sweeps, settings.retention_interval_seconds),
            ],
            on_start=lambda: seed_facilities(runtime, settings.seed_file),
        ):
            yield

    return http.service_app(
        runtime,
        title="placement",
        summary="Shelter units, requests, offers and confirmations; every family stays in view.",
        version="1.0.0",
        lifespan=lifespan,
        routers=[*ROUTERS, retention_router],
    )
