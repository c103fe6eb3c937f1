"""The audit log of reads of case and household data: who, for which organisation,
when, what and for which purpose. Append-only (nothing updates or deletes a row), one
table per service database, readable by the privacy officer through `GET /v1/audit`
on every service that holds such data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Column
from sqlmodel import Field, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import caller
from shared.contracts.fields import Text
from shared.organisations import Organisation, Role
from shared.persistence.database import ChainTable, UtcDateTime

DEFAULT_PURPOSE = "case work"


class AuditEntry(ChainTable, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    organisation_id: str = Field(index=True)
    role: str
    action: str  # e.g. "read case", "list requests"
    subject: str = Field(index=True)  # case pseudonym or request id: never a person
    purpose: str


def record_read(session: AsyncSession, organisation: Organisation, action: str, subject: str, purpose: str, at: datetime) -> None:
    """Write the audit line in the same transaction as the read it records."""
    session.add(
        AuditEntry(at=at, organisation_id=organisation.id, role=organisation.role.value, action=action, subject=subject, purpose=purpose)
    )


async def audit_read(runtime, organisation: Organisation, action: str, subject: str, purpose: str = DEFAULT_PURPOSE) -> None:
    """Record a read made outside a writing transaction (list and view endpoints)."""
    async with runtime.sessions() as session, session.begin():
        record_read(session, organisation, action, subject, purpose, runtime.clock.now())


class AuditView(BaseModel):
    at: datetime
    organisation_id: str
    role: str
    action: str
    subject: str
    purpose: str


router = APIRouter(prefix="/v1", tags=["audit"])
PrivacyOfficer = Annotated[Organisation, Depends(caller(Role.PRIVACY_OFFICER))]


@router.get("/audit", response_model=list[AuditView], summary="Reads of case and household data (privacy officer)")
async def read_audit(
    _officer: PrivacyOfficer,
    request: Request,
    organisation: Annotated[Text(60) | None, Query()] = None,  # no control characters (docs/adr/0011)
    subject: Annotated[Text(100) | None, Query()] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditView]:
    runtime = request.app.state.runtime
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if organisation is not None:
        query = query.where(AuditEntry.organisation_id == organisation)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    async with runtime.sessions() as session:
        rows = (await session.exec(query)).all()
    return [AuditView.model_validate(row.model_dump()) for row in rows]
