"""The retention job: removes sealed addresses when their time is up, logs what it
deleted (counts and rule only), and lets the privacy officer read that log."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import col, select

from shared.auth import caller
from shared.caller import Caller
from shared.organisations import Role
from shared.organisations import Role
from shared.persistence.leader import try_lead
from shared.runtime import Runtime
from services.arrears.domain.retention import RetentionPolicy
from services.arrears.tables import RetentionDeletion, Signal


RETENTION_JOB = "arrears-retention"


async def purge_identifying_data(runtime: Runtime, policy: RetentionPolicy, now: datetime) -> int:
    """Remove every sealed address whose retention ended; returns how many signals.

    One instance at a time: two would both write a deletion log line for the same cases."""
    async with runtime.sessions() as session, session.begin():
        if not await try_lead(session, RETENTION_JOB):
            return 0  # another instance purges now; the next round sees what it did
        rows = (
            await session.exec(
                select(Signal.case_key, Signal.received_at, Signal.outcome).where(col(Signal.sealed_address).is_not(None))
            )
        ).all()
        last_seen: dict[str, datetime] = {}
        evicted: dict[str, bool] = defaultdict(bool)
        for case_key, received_at, outcome in rows:
            last_seen[case_key] = max(received_at, last_seen.get(case_key, received_at))
            evicted[case_key] |= outcome == "evicted"
        due: dict[str, list[str]] = defaultdict(list)
        for case_key, last in last_seen.items():
            if policy.purge_after(last, evicted[case_key]) <= now:
                due[policy.rule(evicted[case_key])].append(case_key)
        purged = 0
        for rule, case_keys in due.items():
            result = await session.exec(
                update(Signal).where(col(Signal.case_key).in_(case_keys), col(Signal.sealed_address).is_not(None)).values(sealed_address=None, note=None)
            )
            session.add(RetentionDeletion(at=now, rule=rule, cases=len(case_keys), signals=result.rowcount))
            purged += result.rowcount
    return purged


def retention_check(runtime: Runtime, policy: RetentionPolicy):
    async def check(now: datetime) -> int:
        return await purge_identifying_data(runtime, policy, now)

    return check


class DeletionView(BaseModel):
    at: datetime
    rule: str
    cases: int
    signals: int


router = APIRouter(prefix="/v1/retention", tags=["retention"])
PrivacyOfficer = Annotated[Caller, Depends(caller(Role.PRIVACY_OFFICER))]


@router.get("/deletions", response_model=list[DeletionView], summary="What the retention job deleted (privacy officer)")
async def deletions(_officer: PrivacyOfficer, request: Request) -> list[DeletionView]:
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        rows = (await session.exec(select(RetentionDeletion).order_by(col(RetentionDeletion.id)))).all()
    return [DeletionView.model_validate(row.model_dump()) for row in rows]
