"""Retention in every service that keeps case or household data: a job that deletes what
is past its time, one instance at a time, and a deletion log the privacy officer reads.

Each service gives the job its sweeps (`Sweep`: a function that deletes what is due in the
job's transaction and says what it deleted, as counts). The job runs them in one
transaction under a PostgreSQL advisory lock (shared.persistence.leader), so two instances
never delete and log the same rows twice, and writes one `deletion_log` line per rule and
kind of row: when, which rule, how many cases, how many rows. Never what was in them.
The intake's sweep: services/arrears/retention.py; the periods and why:
docs/adr/0023-privacy-in-every-service.md.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Awaitable, Callable, Sequence

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Column
from sqlmodel import Field, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import caller
from shared.caller import Caller
from shared.organisations import Role
from shared.persistence.database import ChainTable, UtcDateTime
from shared.persistence.leader import try_lead


class DeletionEntry(ChainTable, table=True):
    """One line of a service's deletion log: counts and the rule, never content."""

    __tablename__ = "deletion_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    job: str  # e.g. triage-retention
    rule: str  # e.g. case_idle_24_months
    kind: str  # what was deleted, e.g. case, timeline_entry, alert
    cases: int  # how many cases (households) the rows belonged to
    rows: int


@dataclass(frozen=True)
class Deleted:
    """What one sweep deleted of one kind of row."""

    rule: str
    kind: str
    cases: int
    rows: int


Sweep = Callable[[AsyncSession, datetime], Awaitable[list[Deleted]]]


async def run_retention(sessions, job: str, sweeps: Sequence[Sweep], now: datetime) -> int:
    """Run every sweep in one transaction, log what each deleted; returns the rows deleted.
    Another instance running the job now: nothing (its log says it)."""
    async with sessions() as session, session.begin():
        if not await try_lead(session, job):
            return 0
        lines = [line for sweep in sweeps for line in await sweep(session, now)]
        for line in lines:
            if line.rows:
                session.add(DeletionEntry(at=now, job=job, **asdict(line)))
    return sum(line.rows for line in lines)


def retention_worker(runtime, job: str, sweeps: Sequence[Sweep], interval: float):
    """A timer worker (the runtime's, so a database away shows in its outages) that runs the
    job every `interval` seconds."""

    async def check(now: datetime) -> int:
        return await run_retention(runtime.sessions, job, sweeps, now)

    return runtime.timer(job, check, interval)


def months_after(moment: datetime, months: int) -> datetime:
    return months_before(moment, -months)


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the last day of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


class DeletionView(BaseModel):
    at: datetime
    job: str
    rule: str
    kind: str
    cases: int
    rows: int


router = APIRouter(prefix="/v1/retention", tags=["retention"])
PrivacyOfficer = Annotated[Caller, Depends(caller(Role.PRIVACY_OFFICER))]


@router.get("/deletions", response_model=list[DeletionView], summary="What the retention job deleted (privacy officer)")
async def deletions(
    _officer: PrivacyOfficer, request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[DeletionView]:
    runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        rows = (await session.exec(select(DeletionEntry).order_by(col(DeletionEntry.id).desc()).limit(limit))).all()
    return [DeletionView.model_validate(row.model_dump()) for row in rows]
