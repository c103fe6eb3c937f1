"""The intake's retention: a signal's sealed address (and the signaller's own words) go when
their time is up (services/arrears/domain/retention.py says when). The job, its one-instance
lock and the privacy officer's deletion log are the chain's shared ones (shared/retention.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.retention import Deleted, Sweep
from services.arrears.domain.retention import RetentionPolicy
from services.arrears.tables import Signal

RETENTION_JOB = "arrears-retention"


def arrears_sweeps(policy: RetentionPolicy) -> list[Sweep]:
    async def sealed_addresses(session: AsyncSession, now: datetime) -> list[Deleted]:
        due = _due_cases(await _last_signals(session), policy, now)
        deleted = []
        for rule, case_keys in due.items():
            result = await session.exec(
                update(Signal)
                .where(col(Signal.case_key).in_(case_keys), col(Signal.sealed_address).is_not(None))
                .values(sealed_address=None, note=None)
            )
            deleted.append(Deleted(rule=rule, kind="sealed_address", cases=len(case_keys), rows=result.rowcount))
        return deleted

    return [sealed_addresses]


async def _last_signals(session: AsyncSession) -> dict[str, tuple[datetime, bool]]:
    """Per dwelling that still has a sealed address: its last signal, and whether it was evicted."""
    rows = await session.exec(
        select(Signal.case_key, Signal.received_at, Signal.outcome).where(col(Signal.sealed_address).is_not(None))
    )
    last: dict[str, tuple[datetime, bool]] = {}
    for case_key, received_at, outcome in rows.all():
        seen, evicted = last.get(case_key, (received_at, False))
        last[case_key] = (max(seen, received_at), evicted or outcome == "evicted")
    return last


def _due_cases(last: dict[str, tuple[datetime, bool]], policy: RetentionPolicy, now: datetime) -> dict[str, list[str]]:
    due: dict[str, list[str]] = defaultdict(list)
    for case_key, (seen, evicted) in last.items():
        if policy.purge_after(seen, evicted) <= now:
            due[policy.rule(evicted)].append(case_key)
    return due
