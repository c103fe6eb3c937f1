"""What `python -m shared.migrations` and `python -m services.<name> migrate` do."""

from __future__ import annotations

import importlib
import logging
import tempfile

from sqlalchemy.engine import make_url

from shared.migrations import runner
from shared.persistence.database import create_engine
from shared.settings import ServiceSettings


def settings_of(service: str) -> ServiceSettings:
    """The service's own settings class, read from the environment as the service reads it."""
    module = importlib.import_module(f"services.{service}.settings")
    [settings_class] = [
        value for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ServiceSettings) and value.__module__ == module.__name__
    ]  # fmt: skip
    return settings_class()


def safe_url(url: str) -> str:
    """The URL without its password, for output."""
    return make_url(url).render_as_string(hide_password=True)


async def migrate(service: str, url: str) -> runner.Upgraded:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the line printed below says what changed
    engine = create_engine(url)
    try:
        upgraded = await runner.upgrade(engine, service)
    finally:
        await engine.dispose()
    adopted = f" (adopted a database made before migrations: stamped {', '.join(upgraded.adopted)})" if upgraded.adopted else ""
    after = ", ".join(sorted(upgraded.after))
    if upgraded.before == upgraded.after and not upgraded.adopted:
        print(f"{service}: {safe_url(url)} already at {after}", flush=True)
    else:
        before = ", ".join(sorted(upgraded.before)) or "empty"
        print(f"{service}: {safe_url(url)} migrated from {before} to {after}{adopted}", flush=True)
    return upgraded


async def diff(service: str, url: str) -> int:
    engine = create_engine(url)
    try:
        differences = await runner.schema_diff(engine, service)
    finally:
        await engine.dispose()
    for difference in differences:
        print(difference)
    print(f"{service}: {len(differences)} difference(s) between the models and {safe_url(url)}")
    return 1 if differences else 0


async def revision(branch: str, message: str, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(url or f"sqlite+aiosqlite:///{scratch}/scratch.db")
        try:
            path = await runner.autogenerate(engine, branch, message)
        finally:
            await engine.dispose()
    print(f"wrote {path}: read it, tidy it, and run the migration tests (docs/migrations.md)")
