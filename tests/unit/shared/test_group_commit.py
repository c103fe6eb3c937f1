"""Group commit on a real SQLite file: concurrent writers share transactions, and one
writer's error reaches that writer only, with everyone else's rows kept."""

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, select

from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.group_commit import GroupCommit

test_registry = registry()
ROWS = test_registry.metadata


class GroupTable(SQLModel, registry=test_registry):
    """Base of this test's tables, in a registry of their own."""


class Row(GroupTable, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/group.db")
    await create_tables(engine, ROWS)
    yield session_factory(engine)
    await engine.dispose()


def adding(name: str):
    def stage(session):
        session.add(Row(name=name))  # a new object on every call, as `write` asks

    return stage


async def names(sessions) -> list[str]:
    async with sessions() as session:
        return sorted((await session.exec(select(Row.name))).all())


async def test_concurrent_writers_share_transactions_and_all_rows_are_committed_when_they_return(sessions):
    committer = GroupCommit(sessions)
    await asyncio.gather(*(committer.write(adding(f"signal-{n:02d}")) for n in range(40)))
    assert await names(sessions) == [f"signal-{n:02d}" for n in range(40)]
    assert committer.transactions < 40, "writers waiting at the same time were committed together"


async def test_a_failing_writer_gets_its_own_error_and_the_others_are_kept(sessions):
    committer = GroupCommit(sessions)
    await committer.write(adding("taken"))
    outcomes = await asyncio.gather(
        committer.write(adding("a")), committer.write(adding("taken")), committer.write(adding("b")),
        return_exceptions=True,
    )  # fmt: skip
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], IntegrityError)
    assert await names(sessions) == ["a", "b", "taken"]
