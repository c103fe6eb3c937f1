"""The monitor's retention: the join rows (`join_profile`, `pending_fact`: keyed hashes of
signal, alert and request ids, and the facts waiting for their other half) go
`MONITOR_JOIN_RETENTION_DAYS` (400) after they were received. The counters hold no case
and stay. The job and the deletion log: shared.retention (docs/adr/0023); why 400 days:
a year of late facts and a margin (services/monitor/README.md, "Joins").
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.retention import Deleted, Sweep
from services.monitor.tables import JoinProfile, PendingFact

log = logging.getLogger(__name__)
RETENTION_JOB = "monitor-retention"


def monitor_sweeps(days: int) -> list[Sweep]:
    async def join_rows(session: AsyncSession, now: datetime) -> list[Deleted]:
        return await delete_join_rows(session, now - timedelta(days=days), f"join_rows_{days}_days")

    return [join_rows]


async def delete_join_rows(session: AsyncSession, cutoff: datetime, rule: str) -> list[Deleted]:
    """Join rows received before `cutoff`. A join row stands for one signal, alert or
    request, never a case: `cases` is 0."""
    never_counted = (
        select(func.count())
        .select_from(PendingFact)
        .where(col(PendingFact.received_at) <= cutoff, col(PendingFact.municipality_code).is_(None))
    )
    uncounted = (await session.exec(never_counted)).one()
    profiles = await session.exec(delete(JoinProfile).where(col(JoinProfile.received_at) <= cutoff))
    pending = await session.exec(delete(PendingFact).where(col(PendingFact.received_at) <= cutoff))
    if uncounted:
        log.warning("purged %d facts that never learned their municipality (their profile never came)", uncounted)
    return [Deleted(rule, "join_profile", 0, profiles.rowcount), Deleted(rule, "pending_fact", 0, pending.rowcount)]
