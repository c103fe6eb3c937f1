"""Placement remembers each triage case's municipality and when triage last assessed it: the
first assessment makes the row, a later one moves the date on, and one that arrives late
with an older date changes nothing (retention counts from the latest). On SQLite and on
PostgreSQL, whose upserts differ; one assessment to a transaction, and many (a consumed
batch, whose rows go in together at commit)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from shared.persistence.database import create_engine, create_tables, session_factory
from services.placement.requesting import remember_case_region
from services.placement.tables import CaseRegion, PlacementTable

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_the_latest_assessment_counts_and_a_late_older_one_changes_nothing(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine, PlacementTable.metadata)
    sessions = session_factory(engine)
    try:
        for moment in (MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=1)):
            async with sessions() as session, session.begin():
                await remember_case_region(session, "hh-00000000000000a1", "0363", moment)
        async with sessions() as session, session.begin():
            await remember_case_region(session, "hh-00000000000000b2", "0344", MONDAY)
        async with sessions() as session:
            regions = {r.case_key: (r.municipality_code, r.assessed_at) for r in (await session.exec(select(CaseRegion))).all()}
    finally:
        await engine.dispose()
    assert regions == {
        "hh-00000000000000a1": ("0363", MONDAY + timedelta(days=2)),
        "hh-00000000000000b2": ("0344", MONDAY),
    }


async def test_a_batch_of_assessments_keeps_each_cases_latest(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine, PlacementTable.metadata)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            await remember_case_region(session, "hh-00000000000000a1", "0363", MONDAY)
        async with sessions() as session, session.begin():  # one batch: the same case three times, another once
            await remember_case_region(session, "hh-00000000000000a1", "0363", MONDAY + timedelta(days=3))
            await remember_case_region(session, "hh-00000000000000c3", "0599", MONDAY)
            await remember_case_region(session, "hh-00000000000000a1", "0363", MONDAY + timedelta(days=1))
            await remember_case_region(session, "hh-00000000000000c3", "0599", MONDAY + timedelta(hours=5))
        async with sessions() as session:
            regions = {r.case_key: (r.municipality_code, r.assessed_at) for r in (await session.exec(select(CaseRegion))).all()}
    finally:
        await engine.dispose()
    assert regions == {
        "hh-00000000000000a1": ("0363", MONDAY + timedelta(days=3)),
        "hh-00000000000000c3": ("0599", MONDAY + timedelta(hours=5)),
    }
