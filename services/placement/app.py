"""The placement service: shelters, capacity, requests, offers and confirmations,
the waiting list and the lost-from-view timer."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared import http
from shared.contracts import event_types, topics
from shared.runtime import Runtime, serve
from services.placement.api import router
from services.placement.settings import PlacementSettings
from services.placement.tables import METADATA
from services.placement.workflow import PlacementWorkflow, seed_facilities

CONSUMER = "placement"


def create_app(runtime: Runtime) -> FastAPI:
    settings: PlacementSettings = runtime.settings
    workflow = PlacementWorkflow(runtime)
    requests = runtime.consumer(
        CONSUMER,
        {event_types.PLACEMENT_REQUESTED: workflow.on_requested, event_types.PLACEMENT_WITHDRAWN: workflow.on_withdrawn},
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with serve(
            runtime,
            tables=[METADATA],
            workers=[
                runtime.consume_worker(requests, [topics.PLACEMENT_REQUESTS], CONSUMER),
                runtime.timer("placement", workflow.tick, settings.timer_interval_seconds),
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
        routers=[router],
        workflow=workflow,
    )
