"""The retention job (shared/retention.py, here with the intake's sweep) on real PostgreSQL
with replicas running it at the same moment: each address goes once and the deletion log
says so once (one instance leads each round)."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.migrations import runner
from shared.retention import DeletionEntry, run_retention
from shared.runtime import build_runtime
from services.arrears.domain.retention import RetentionPolicy
from services.arrears.retention import RETENTION_JOB, arrears_sweeps
from services.arrears.settings import ArrearsSettings
from services.arrears.tables import Signal

pytestmark = pytest.mark.postgres
REPLICAS = 4
CASES = 30


async def test_replicas_purging_at_once_log_each_deletion_once(new_database):
    clock = FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    url = new_database("arrears")
    replicas = [build_runtime(ArrearsSettings(database_url=url), bus=InMemoryBus(), clock=clock) for _ in range(REPLICAS)]
    first = replicas[0]
    await runner.upgrade(first.engine, "arrears")
    async with first.sessions() as session, session.begin():
        for n in range(CASES):
            session.add(Signal(
                id=uuid.uuid4(), organisation_id="ymere", type="arrears.reported", case_key=f"hh-{n}",
                municipality_code="0363", observed_on=date(2026, 11, 27), sealed_address="sealed", received_at=clock.now(),
            ))  # fmt: skip
    try:
        clock.advance(days=366)
        sweeps = arrears_sweeps(RetentionPolicy())
        rounds = [run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now()) for runtime in replicas for _ in range(3)]
        purged = await asyncio.gather(*rounds)

        async with first.sessions() as session:
            log = (await session.exec(select(DeletionEntry))).all()
            left = (await session.exec(select(Signal).where(Signal.sealed_address != None))).all()  # noqa: E711
        assert sum(purged) == CASES and left == []
        assert [(entry.job, entry.rule, entry.cases, entry.rows) for entry in log] == [(RETENTION_JOB, "closed_without_eviction", CASES, CASES)]
    finally:
        for runtime in replicas:
            await runtime.engine.dispose()
