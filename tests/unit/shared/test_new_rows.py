"""A row built by shared.persistence.new_rows is the row the table's constructor builds:
the same values and defaults, fresh mutable defaults, inserted whole, and changes made to
it before or after a flush stored; on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Column
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, select

from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.new_rows import new_row

rows = registry()
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


class RowsTable(SQLModel, registry=rows):  # a registry of this test's own, as each service has
    pass


class Kept(RowsTable, table=True):
    __tablename__ = "new_rows_kept"

    key: str = Field(primary_key=True)
    opened_at: datetime
    count: int = 0
    closed: bool = False
    note: str | None = None
    ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default=["a"], sa_column=Column(JSON, nullable=False))


@pytest.fixture
async def sessions(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine, rows.metadata)
    yield session_factory(engine)
    await engine.dispose()


def stored(kept: Kept) -> dict:
    return kept.model_dump()


async def read(sessions, key: str) -> dict:
    async with sessions() as session:
        return stored((await session.exec(select(Kept).where(Kept.key == key))).one())


def test_it_is_the_constructors_object():
    built, constructed = new_row(Kept, key="k1", opened_at=NOW, count=3), Kept(key="k1", opened_at=NOW, count=3)
    assert built.model_dump() == constructed.model_dump()
    assert built.model_fields_set == constructed.model_fields_set == {"key", "opened_at", "count"}


def test_mutable_defaults_are_fresh_for_every_row():
    first, second = new_row(Kept, key="k1", opened_at=NOW), new_row(Kept, key="k2", opened_at=NOW)
    first.ages.append(4)
    first.tags.append("b")
    assert (second.ages, second.tags) == ([], ["a"])


def test_a_name_that_is_not_a_field_is_refused():
    with pytest.raises(TypeError, match="Kept has no field colour"):
        new_row(Kept, key="k1", opened_at=NOW, colour="red")


async def test_it_is_inserted_whole_with_what_was_changed_before_the_flush(sessions):
    async with sessions() as session, session.begin():
        kept = new_row(Kept, key="k1", opened_at=NOW, count=2)
        session.add(kept)
        kept.note = "set before the flush"
        kept.ages = [3, 9]
    assert await read(sessions, "k1") == {
        "key": "k1", "opened_at": NOW, "count": 2, "closed": False, "note": "set before the flush", "ages": [3, 9], "tags": ["a"]
    }  # fmt: skip


async def test_a_change_after_the_flush_is_stored_as_an_update(sessions):
    async with sessions() as session, session.begin():
        kept = new_row(Kept, key="k1", opened_at=NOW)
        session.add(kept)
        await session.flush()
        kept.count = 7
        kept.closed = True
    row = await read(sessions, "k1")
    assert (row["count"], row["closed"]) == (7, True)


def test_a_row_built_before_any_query_or_constructor_reads_its_fields():
    """The intake's first request after a start builds its signal with `new_row` before the
    process ran any query: the table's mapper is not configured yet, and without configuring
    it the row's attributes cannot be read (a 500 on the first POST)."""
    fresh = registry()

    class FreshTable(SQLModel, registry=fresh):
        pass

    class Fresh(FreshTable, table=True):
        __tablename__ = "new_rows_fresh"

        key: str = Field(primary_key=True)
        count: int = 0

    row = new_row(Fresh, key="k1")
    assert (row.key, row.count) == ("k1", 0)
