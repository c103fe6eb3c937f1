"""Fixtures every unit test may ask for: the in-memory bus and a controlled clock."""

import pytest

from shared import runtime
from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.persistence.database import create_tables


@pytest.fixture(scope="package", autouse=True)
def schema_from_models():
    """The fast path of unit tests: an app on SQLite gets its tables from the models at start
    instead of from the migrations (services themselves only check the schema). Allowed
    because tests/unit/shared/test_migrations_match_models.py and its PostgreSQL twin in
    tests/integration prove both give the same schema."""

    async def create_from_models(engine, _service, tables):
        await create_tables(engine, *tables)

    with pytest.MonkeyPatch.context() as patch:  # package scope: before module-scoped apps start
        patch.setattr(runtime, "prepare_schema", create_from_models)
        yield


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sqlite_or_postgres_url(request, tmp_path):
    """A fresh database, once SQLite and once PostgreSQL: for tests that hold a statement
    whose SQL differs between the two to the same answers on both."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/unit.db"
    return request.getfixturevalue("new_database")(request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:20])


@pytest.fixture
def bus():
    return InMemoryBus()


@pytest.fixture
def clock():
    return FakeClock()
