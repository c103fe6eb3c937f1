"""Running the migrations of one service database: upgrade (at deploy), the check a service
makes at start, the schema diff that keeps migrations and models in step, and the
autogenerate behind `python -m shared.migrations revision`.

Alembic's commands are synchronous; they run on the service's own async engine through
`run_sync`, with the connection handed to env.py (Alembic's "sharing a connection"
recipe), so SQLite and PostgreSQL URLs work exactly as the services use them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.migrations.layout import CHAIN, alembic_config, metadata_of, versions_dir

log = logging.getLogger(__name__)
MIGRATION_LOCK_ID = 7_318_002  # arbitrary, constant: "migrating this database" (two deploys at once wait)


class SchemaNotCurrent(RuntimeError):
    """The database is not at the revisions this code needs: migrate first."""


@dataclass(frozen=True)
class Upgraded:
    adopted: tuple[str, ...]  # baselines stamped on a database made before migrations
    before: frozenset[str]
    after: frozenset[str]


def head_revisions(service: str) -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config(service)).get_heads())


async def current_revisions(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def upgrade(engine: AsyncEngine, service: str) -> Upgraded:
    """Bring both branches of the service's database to their heads (`alembic upgrade heads`).

    On PostgreSQL in one transaction under an advisory lock: two deploys migrating at
    once run one after the other, and the second finds nothing to do."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:lock)").bindparams(lock=MIGRATION_LOCK_ID))
        return await connection.run_sync(_upgrade, service)


def _upgrade(connection: Connection, service: str) -> Upgraded:
    config = alembic_config(service, connection=connection)
    adopted = _adopt_unversioned(connection, config)
    before = _current(connection)
    _refuse_foreign(config, service, before)
    command.upgrade(config, "heads")
    return Upgraded(tuple(adopted), before, _current(connection))


def _adopt_unversioned(connection: Connection, config) -> list[str]:
    """A database created before migrations existed (by `create_all` at start, up to commit
    ba00dfe) has its tables but no version table: stamp each baseline whose tables are all
    there, so the upgrade starts after it. Half a baseline's tables is refused."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        return []
    script = ScriptDirectory.from_config(config)
    adopt = []
    for base in sorted(script.get_bases()):
        expected = set(getattr(script.get_revision(base).module, "ADOPTABLE_TABLES", ()))
        present = expected & tables
        if expected and present == expected:
            adopt.append(base)
        elif present:
            raise SchemaNotCurrent(
                f"tables {sorted(present)} exist without migration history but {sorted(expected - present)} do not: "
                f"not a database baseline {base} can adopt"
            )
    if adopt:
        log.info("database made before migrations: stamping baseline(s) %s", ", ".join(adopt))
        command.stamp(config, adopt)
    return adopt


def _refuse_foreign(config, service: str, current: frozenset[str]) -> None:
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current - known:
        raise SchemaNotCurrent(
            f"the database holds revision(s) {', '.join(sorted(current - known))} that {service}'s migrations do not know: "
            "another service's database, or newer code migrated it"
        )


def _current(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


async def require_current(engine: AsyncEngine, service: str, _metadatas: Sequence[MetaData] = ()) -> None:
    """The check a service makes at start: it never creates or changes tables itself."""
    current, needed = await current_revisions(engine), head_revisions(service)
    if current != needed:
        found = ", ".join(sorted(current)) or "no migration history (empty, or made before migrations)"
        raise SchemaNotCurrent(
            f"the {service} database is at {found}; this code needs {', '.join(sorted(needed))}: "
            f"run `python -m services.{service} migrate` first"
        )


async def schema_diff(engine: AsyncEngine, service: str) -> list:
    """What autogenerate would still change: empty when the database matches the models."""
    metadatas = [metadata_of(CHAIN), metadata_of(service)]
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadatas)
        )


async def autogenerate(engine: AsyncEngine, branch: str, message: str, *, service: str | None = None) -> Path:
    """Write the next migration of `branch` from the difference between its models and
    `engine`'s database (first brought to the heads). Returns the new script's path."""
    service = service or (branch if branch != CHAIN else "arrears")
    await upgrade(engine, service)
    metadata = metadata_of(branch)
    async with engine.begin() as connection:
        return await connection.run_sync(_revision, service, branch, metadata, message)


def _revision(connection: Connection, service: str, branch: str, metadata: MetaData, message: str) -> Path:
    config = alembic_config(service, connection=connection, target_metadata=metadata, include_tables=set(metadata.tables))
    existing = sorted(versions_dir(branch).glob(f"{branch}_[0-9][0-9][0-9][0-9]_*.py"))
    first = not existing
    script = command.revision(
        config,
        message=message,
        autogenerate=True,
        rev_id=f"{branch}_{len(existing) + 1:04d}",
        head="base" if first else f"{branch}@head",
        branch_label=branch if first else None,
        version_path=str(versions_dir(branch)),
    )
    return Path(script.path)
