"""`python -m services.<name>`: settings from the environment, then uvicorn.

`python -m services.<name> migrate` instead brings the service's database to the
current schema (Alembic `upgrade heads`) and exits: run it at deploy, before the
service starts (shared/migrations).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Callable

import uvicorn
from fastapi import FastAPI

from shared.logging import configure
from shared.runtime import Runtime, build_runtime
from shared.settings import ServiceSettings


def run(settings: ServiceSettings, create_app: Callable[[Runtime], FastAPI]) -> None:
    configure(settings.service_name, settings.log_level, settings.log_lines)
    if sys.argv[1:] == ["migrate"]:
        from shared.migrations.commands import migrate

        asyncio.run(migrate(settings.service_name, settings.database_url))
        return
    app = create_app(build_runtime(settings))
    # uvicorn turns SIGTERM/SIGINT into a lifespan shutdown: workers stop taking work,
    # finish the record in hand, commit offsets and close (see shared.runtime.serve).
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
    )
