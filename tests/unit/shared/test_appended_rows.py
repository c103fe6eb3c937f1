"""Append-only rows (shared.persistence.appends): written at commit, in the order appended,
or at an explicit flush; never half, never by an autoflush (but the rows of a table read
back), never lost silently."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import AuditEntry, record_system_read
from shared.clock import FakeClock
from shared.persistence.appends import append, insert_with, read_back
from shared.persistence.database import create_engine, create_tables, session_factory

NOW = FakeClock().now()
# A table whose appended rows later queries in the transaction look for (as triage's alerts).
LINES = Table("read_back_line", MetaData(), Column("id", Integer, primary_key=True), Column("text", String))
read_back(LINES)


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/appends.db")
    await create_tables(engine)
    yield engine
    await engine.dispose()


def audit(session, subject: str) -> None:
    record_system_read(session, "triage-register-client", "register lookup", subject, "a test", NOW, "0" * 32)


async def subjects(sessions) -> list[str]:
    async with sessions() as session:
        return list((await session.exec(select(AuditEntry.subject).order_by(col(AuditEntry.id)))).all())


async def test_appended_rows_go_in_at_commit_in_the_order_they_were_appended(engine):
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for subject in ("hh-c", "hh-a", "hh-b"):
            audit(session, subject)
        assert await subjects(sessions) == [], "not before the commit"
    assert await subjects(sessions) == ["hh-c", "hh-a", "hh-b"]


async def test_a_rolled_back_transaction_leaves_none_of_its_appended_rows(engine):
    sessions = session_factory(engine)
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            audit(session, "hh-gone")
            await session.flush()  # written in the transaction ...
            raise RuntimeError("... and rolled back with it")
    async with sessions() as session, session.begin():
        audit(session, "hh-kept")
    assert await subjects(sessions) == ["hh-kept"]


async def test_an_explicit_flush_writes_them_and_an_autoflush_does_not(engine):
    sessions = session_factory(engine)
    count = select(func.count()).select_from(AuditEntry)
    async with sessions() as session, session.begin():
        audit(session, "hh-1")
        assert (await session.exec(count)).one() == 0, "a query's autoflush leaves appended rows for the commit"
        await session.flush()
        assert (await session.exec(count)).one() == 1
    assert await subjects(sessions) == ["hh-1"]


async def test_a_session_that_would_not_write_them_is_refused(engine):
    async with AsyncSession(engine) as session:
        with pytest.raises(TypeError, match="session_factory"):
            audit(session, "hh-lost")


async def test_a_query_that_autoflushes_sees_the_rows_of_a_table_read_back_and_each_is_written_once(engine):
    async with engine.begin() as connection:
        await connection.run_sync(LINES.metadata.create_all)
    sessions = session_factory(engine)
    lines = select(func.count()).select_from(LINES)
    async with sessions() as session, session.begin():
        audit(session, "hh-1")
        append(session, LINES, {"text": "the first"})
        assert (await session.exec(lines)).one() == 1, "read back: written at the autoflush"
        assert (await session.exec(select(func.count()).select_from(AuditEntry))).one() == 0, "the others wait"
        append(session, LINES, {"text": "the second"})
    async with sessions() as session:
        assert (await session.exec(lines)).one() == 2
    assert await subjects(sessions) == ["hh-1"]


# A table written first with plain INSERTs, then given a statement of its own.
LATEST = Table("latest_per_key", MetaData(), Column("key", String, primary_key=True), Column("seen", Integer))


def keep_the_latest(dialect: str):
    from sqlalchemy.dialects.sqlite import insert

    statement = insert(LATEST)
    return statement.on_conflict_do_update(index_elements=[LATEST.c.key], set_={"seen": statement.excluded.seen})


async def test_a_table_given_its_own_statement_is_written_with_it_even_after_plain_inserts(engine):
    async with engine.begin() as connection:
        await connection.run_sync(LATEST.metadata.create_all)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        append(session, LATEST, {"key": "hh-a", "seen": 1})  # a plain INSERT, built and cached
    insert_with(LATEST, keep_the_latest)
    async with sessions() as session, session.begin():  # the same key again, twice: no conflict error
        append(session, LATEST, {"key": "hh-a", "seen": 2})
        append(session, LATEST, {"key": "hh-a", "seen": 3})
    async with sessions() as session:
        assert (await session.exec(select(LATEST.c.key, LATEST.c.seen))).all() == [("hh-a", 3)]
