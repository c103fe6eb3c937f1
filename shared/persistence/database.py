"""Async engines and sessions. SQLite file by default, PostgreSQL by URL.

Each service owns a `registry()` of its own tables (see `service_tables`), so one
process never creates another service's tables. The outbox and processed-event
tables live in `CHAIN_METADATA` and are created in every service's database.
"""

from __future__ import annotations

from pathlib import Path

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.types import TypeDecorator
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.appends import AppendingSession
from shared.persistence.idle_ping import ping_when_idle

chain_registry = registry()
CHAIN_METADATA: MetaData = chain_registry.metadata


class ChainTable(SQLModel, registry=chain_registry):
    """Base of the tables every service has (outbox, processed events)."""


class UtcDateTime(TypeDecorator):
    """Timestamps stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL
    (SQLite keeps no zone, so without this an API would answer naive times)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # naive = UTC

    def process_result_value(self, value: datetime | None, _dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # The most recently used connection first (LIFO): a busy service keeps reusing a live one,
    # and only one that sat idle is pinged before use (shared.persistence.idle_ping).
    engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_use_lifo=True)
    ping_when_idle(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the API read while the relay writes; busy_timeout waits for the lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _ensure_sqlite_directory(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that write appended rows at commit (shared.persistence.appends)."""
    return async_sessionmaker(engine, class_=AsyncSession, sync_session_class=AppendingSession, expire_on_commit=False)


async def create_tables(engine: AsyncEngine, *metadatas: MetaData) -> None:
    async with engine.begin() as connection:
        for metadata in (CHAIN_METADATA, *metadatas):
            await connection.run_sync(metadata.create_all)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"
