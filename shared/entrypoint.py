"""`python -m services.<name>`: settings from the environment, then uvicorn."""

from __future__ import annotations

from typing import Callable

import uvicorn
from fastapi import FastAPI

from shared.logging import configure
from shared.runtime import Runtime, build_runtime
from shared.settings import ServiceSettings


def run(settings: ServiceSettings, create_app: Callable[[Runtime], FastAPI]) -> None:
    configure(settings.service_name, settings.log_level)
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
