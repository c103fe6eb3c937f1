"""Run a service's app in-process for unit tests: in-memory bus, SQLite file, FakeClock."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.migrations import runner
from shared.runtime import Runtime, build_runtime
from shared.settings import ServiceSettings


def unit_runtime(settings_class: type[ServiceSettings], tmp_path: Path, bus: InMemoryBus, clock: FakeClock) -> Runtime:
    settings = settings_class(environment="test", database_url=f"sqlite+aiosqlite:///{tmp_path}/{settings_class.__name__}.db")
    return build_runtime(settings, bus=bus, clock=clock)


@asynccontextmanager
async def running(app, *, migrate: bool = False):
    """Enter the app's lifespan (httpx does not) and give a client bound to it. With
    `migrate`, first bring its database to the code's schema as a deploy does (a service
    itself only checks the schema; unit tests instead create tables from the models)."""
    if migrate:
        runtime = app.state.runtime
        await runner.upgrade(runtime.engine, runtime.settings.service_name)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def key(organisation_id: str) -> dict[str, str]:
    return {"X-API-Key": f"dev-{organisation_id}"}
