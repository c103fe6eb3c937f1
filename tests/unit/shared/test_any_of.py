"""`any_of` (shared.persistence.any_of) finds the rows `IN` finds, on SQLite and PostgreSQL,
in a statement built once and run with any number of values; on PostgreSQL batches of
any size are one statement."""

from uuid import UUID, uuid4

import pytest
from sqlalchemy import bindparam, event
from sqlmodel import col, select

from shared.persistence.any_of import any_of
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.inbox import ProcessedEvent


@pytest.fixture
async def engine(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine)
    yield engine
    await engine.dispose()


async def test_it_finds_what_in_finds_for_any_number_of_values(engine):
    ids = [UUID(int=n) for n in range(1, 41)]
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        session.add_all(ProcessedEvent(consumer="c" if n % 3 else "other", event_id=i) for n, i in enumerate(ids))
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    event_id = col(ProcessedEvent.event_id)
    chosen = any_of(event_id, "ids", engine.dialect.name)
    built_once = select(event_id).where(ProcessedEvent.consumer == bindparam("consumer"), chosen)
    async with sessions() as session:
        for size in (1, 2, 7, 40):
            asked = [*ids[:size], uuid4()]
            found = set((await session.exec(built_once, params={"consumer": "c", "ids": asked})).all())
            with_in = select(event_id).where(ProcessedEvent.consumer == "c", event_id.in_(asked))
            expected = set((await session.exec(with_in)).all())
            assert found == expected == {i for n, i in enumerate(ids[:size]) if n % 3}
        asked_by_size = list(statements)
        assert set((await session.exec(built_once, params={"consumer": "c", "ids": []})).all()) == set()
    ours = {sql for sql in asked_by_size if "ANY" in sql}
    if engine.dialect.name == "postgresql":
        assert len(ours) == 1, f"one statement for every size: {ours}"
    else:
        assert ours == set(), "SQLite keeps IN"
