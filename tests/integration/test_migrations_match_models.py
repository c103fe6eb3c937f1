"""The migrations build exactly the schema of the models on PostgreSQL too (the SQLite twin is
tests/unit/shared/test_migrations_match_models.py), and two deploys migrating one database
at once take turns."""

import asyncio

import pytest

from shared.migrations import runner
from shared.migrations.layout import SERVICES
from shared.persistence.database import create_engine

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("service", SERVICES)
async def test_the_migrations_build_the_schema_of_the_models_on_postgres(new_database, service):
    engine = create_engine(new_database(service))
    try:
        upgraded = await runner.upgrade(engine, service)

        assert upgraded.after == runner.head_revisions(service)
        assert await runner.schema_diff(engine, service) == []
    finally:
        await engine.dispose()


async def test_two_deploys_migrating_one_database_at_once_take_turns(new_database):
    url = new_database("triage")
    engines = [create_engine(url) for _ in range(2)]
    try:
        results = await asyncio.gather(*(runner.upgrade(engine, "triage") for engine in engines))

        heads = runner.head_revisions("triage")
        assert sorted(len(result.before) for result in results) == [0, len(heads)], "one migrated, the other found it done"
        assert all(result.after == heads for result in results)
        assert await runner.schema_diff(engines[0], "triage") == []
    finally:
        for engine in engines:
            await engine.dispose()
