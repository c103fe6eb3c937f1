"""Retention: sealed addresses go after 12 months (24 after an eviction), the deletion
log says how many and by which rule, and what the chain counts survives."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from services.arrears.app import create_app
from shared.retention import months_after, run_retention
from services.arrears.domain.retention import RetentionPolicy
from services.arrears.retention import RETENTION_JOB, arrears_sweeps
from services.arrears.settings import ArrearsSettings
from services.arrears.tables import Signal
from tests.support.apps import key, running, unit_runtime

POLICY = RetentionPolicy()


def signal(dwelling: str, kind: str = "arrears.reported", **facts) -> dict:
    body = {"type": kind, "address": {"adresseerbaarObjectIdentificatie": dwelling}, "observed_on": "2026-11-27", **facts}
    if kind == "arrears.reported":
        body.update(months=2, amount_eur="800.00")
    return body


def test_months_are_calendar_months():
    assert months_after(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_after(datetime(2026, 11, 28, tzinfo=UTC), 24) == datetime(2028, 11, 28, tzinfo=UTC)


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


@pytest.fixture
def runtime(tmp_path, clock):
    return unit_runtime(ArrearsSettings, tmp_path, InMemoryBus(), clock)


async def test_addresses_are_removed_when_their_time_is_up_and_the_log_says_how_many(runtime, clock):
    app = create_app(runtime)
    async with running(app) as client:
        for body in (
            signal("0363010000000001"),
            signal("0363010000000002"),
            signal("0363010000000002", "eviction.executed", outcome="evicted"),
        ):
            assert (await client.post("/v1/signals", json=body, headers=key("ymere"))).status_code == 202

        clock.advance(days=366)
        assert await run_retention(runtime.sessions, RETENTION_JOB, arrears_sweeps(POLICY), clock.now()) == 1, "only the case closed without eviction"
        clock.advance(days=365)
        assert await run_retention(runtime.sessions, RETENTION_JOB, arrears_sweeps(POLICY), clock.now()) == 2, "the evicted household after 24 months"
        assert await run_retention(runtime.sessions, RETENTION_JOB, arrears_sweeps(POLICY), clock.now()) == 0

        log = await client.get("/v1/retention/deletions", headers=key("functionaris-gegevensbescherming"))
        denied = await client.get("/v1/retention/deletions", headers=key("ymere"))
        listed = (await client.get("/v1/signals", headers=key("ymere"))).json()
    assert [(d["job"], d["rule"], d["kind"], d["cases"], d["rows"]) for d in log.json()] == [
        ("arrears-retention", "evicted", "sealed_address", 1, 2),
        ("arrears-retention", "closed_without_eviction", "sealed_address", 1, 1),
    ], "newest first, as in every service's deletion log"
    assert denied.status_code == 403
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Signal))).all()
    assert [row.sealed_address for row in rows] == [None, None, None]
    assert listed["total"] == 3, "the signals themselves (type, dates, routing) survive"


async def test_the_address_is_encrypted_at_rest_and_only_the_configured_keys_open_it(runtime):
    from shared.privacy import AddressSeal, SealBroken, generate_address_key

    async with running(create_app(runtime)) as client:
        await client.post("/v1/signals", json=signal("0363010001004477"), headers=key("ymere"))
    async with runtime.sessions() as session:
        [row] = (await session.exec(select(Signal))).all()
    assert "0363010001004477" not in row.sealed_address
    assert runtime.address_seal.open(row.sealed_address).adresseerbaar_object_id == "0363010001004477"
    with pytest.raises(SealBroken):
        AddressSeal([generate_address_key()]).open(row.sealed_address)


def test_the_intakes_old_deletion_log_moves_into_the_shared_one_whichever_branch_upgrades_first(tmp_path):
    """A database from before arrears_0004 (its chain branch at chain_0002, so deletion_log
    does not exist yet) keeps every line of the intake's old log after `upgrade heads`."""
    import sqlalchemy as sa
    from alembic import command

    from shared.migrations.layout import alembic_config

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'arrears.db'}")
    with engine.begin() as connection:
        config = alembic_config("arrears", connection=connection)
        command.upgrade(config, "arrears_0003")
        command.upgrade(config, "chain_0002")
        connection.execute(sa.text(
            "INSERT INTO retention_deletion (at, rule, cases, signals) VALUES ('2026-01-01 00:00:00', 'evicted', 1, 2)"
        ))  # fmt: skip
        command.upgrade(config, "heads")
        moved = connection.execute(sa.text("SELECT job, rule, kind, cases, rows FROM deletion_log")).all()
        tables = sa.inspect(connection).get_table_names()
    assert moved == [("arrears-retention", "evicted", "sealed_address", 1, 2)]
    assert "retention_deletion" not in tables
