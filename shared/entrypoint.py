"""`python -m services.<name>`: settings from the environment, then uvicorn.

`python -m services.<name> migrate` instead brings the service's database to the
current schema (Alembic `upgrade heads`) and exits: run it at deploy, before the
service starts (shared/migrations).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Callable, TypeVar

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from shared.logging import configure
from shared.runtime import Runtime, build_runtime
from shared.settings import ServiceSettings


def run(settings_class: type[ServiceSettings], create_app: Callable[[Runtime], FastAPI]) -> None:
    settings = load_settings(settings_class)
    configure(settings.service_name, settings.log_level, settings.log_lines)
    if sys.argv[1:] == ["migrate"]:
        from shared.migrations.commands import migrate

        asyncio.run(migrate(settings.service_name, settings.database_url))
        return
    runtime = build_runtime(settings)
    runtime.freeze_after_start = True  # a process of its own: start-up's objects leave the collector's passes
    app = create_app(runtime)
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


Settings = TypeVar("Settings")


def load_settings(settings_class: type[Settings]) -> Settings:
    """The settings from the environment; a refusal (e.g. development secrets in production)
    ends the process with exit code 2 and the reason, without a traceback."""
    try:
        return settings_class()
    except ValidationError as refused:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in refused.errors())
        print(f"{settings_class.__name__}: refusing to start: {reasons}", file=sys.stderr)
        raise SystemExit(2) from None
