"""The intake service: partners post signals; triage's routing comes back as status."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared import http
from shared.contracts import topics
from shared.runtime import Runtime, serve
from services.arrears.api import router
from services.arrears.handlers import HANDLERS
from services.arrears.tables import METADATA

CONSUMER = "arrears"


def create_app(runtime: Runtime) -> FastAPI:
    routing = runtime.consumer(CONSUMER, HANDLERS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with serve(runtime, tables=[METADATA], workers=[runtime.consume_worker(routing, [topics.ALERTS], CONSUMER)]):
            yield

    app = FastAPI(
        title="Signal chain: intake",
        summary="Housing corporations, bailiffs and police post what they see; they read back what happened.",
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.organisations = runtime.organisations
    http.install(app)
    app.include_router(router)
    return app
