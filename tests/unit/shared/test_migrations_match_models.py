"""The migrations build exactly the schema of the models, on SQLite (the PostgreSQL twin is
tests/integration/test_migrations_match_models.py). This is what allows unit tests to
create their tables from the models (tests/unit/conftest.py); it fails when someone changes
a table without adding a migration (docs/migrations.md)."""

import pytest
from sqlalchemy import text

from shared.migrations import runner
from shared.migrations.layout import SERVICES
from shared.persistence.database import create_engine


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/service.db")
    yield engine
    await engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
async def test_the_migrations_build_the_schema_of_the_models(engine, service):
    upgraded = await runner.upgrade(engine, service)

    assert upgraded.before == frozenset() and upgraded.after == runner.head_revisions(service)
    assert await runner.schema_diff(engine, service) == []
    await runner.require_current(engine, service)  # what the service checks at start


async def test_a_table_changed_without_a_migration_shows_in_the_diff(engine):
    await runner.upgrade(engine, "triage")
    async with engine.begin() as connection:
        await connection.execute(text("DROP INDEX ix_outbox_unsent"))
        await connection.execute(text("ALTER TABLE household_case ADD COLUMN nickname VARCHAR"))

    differences = {(d[0], getattr(d[-1], "name", None)) if d[0].endswith("index") else d[0] for d in await runner.schema_diff(engine, "triage")}

    assert differences == {("add_index", "ix_outbox_unsent"), "remove_column"}


async def test_a_service_refuses_a_database_that_was_not_migrated(engine):
    with pytest.raises(runner.SchemaNotCurrent, match=r"python -m services\.placement migrate"):
        await runner.require_current(engine, "placement")


async def test_migrate_twice_changes_nothing_the_second_time(engine):
    await runner.upgrade(engine, "monitor")
    again = await runner.upgrade(engine, "monitor")

    assert again.before == again.after == runner.head_revisions("monitor") and again.adopted == ()


async def test_half_a_baseline_without_history_is_refused_not_adopted(engine):
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE outbox (id INTEGER PRIMARY KEY)"))

    with pytest.raises(runner.SchemaNotCurrent, match="not a database baseline chain_0001 can adopt"):
        await runner.upgrade(engine, "arrears")


async def test_another_services_database_is_refused(engine):
    await runner.upgrade(engine, "triage")

    with pytest.raises(runner.SchemaNotCurrent, match=r"triage_\d{4}.*another service's database"):
        await runner.upgrade(engine, "placement")
