"""The audit log of reads of case and household data: who (the person, by subject,
display name and employee number, or the partner's system by client id), for which
organisation and role, when, what, for which purpose, and the request's trace id.
Append-only (nothing updates or deletes a row), one table per service database,
readable by the privacy officer through `GET /v1/audit` on every service that holds
such data.

Columns `caller_subject`, `caller_kind`, `caller_name`, `caller_employee_number` and
`trace_id` were added with named people (ADR 0013); rows written before have none.

Aligned with the Logboek Dataverwerkingen standard where its fields fit (ADR 0023):
`trace_id` (W3C trace context, as the standard asks for HTTP), `processing_activity_id`
(its `dpl.core.processing_activity_id`: the processing activity in the register of
processing activities) and `legal_basis` (the activity's legal basis, which the
standard leaves to that register; kept on the row so the privacy officer sees it without
a second lookup). Rows written before ADR 0023 have neither."""

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
from shared.caller import Caller, CallerKind, system_caller
from shared.organisations import Organisation, Role
from shared.persistence.appends import append
from shared.persistence.database import ChainTable, UtcDateTime
from shared.processing import ProcessingActivity
from shared.tracing import current_trace_id

DEFAULT_PURPOSE = "case work"

CHAIN_OPERATOR = "signaalketen"  # the organisation id under which the chain's own systems read


class AuditEntry(ChainTable, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    organisation_id: str = Field(index=True)
    role: str
    action: str  # e.g. "read case", "list requests"
    subject: str = Field(index=True)  # case pseudonym or request id: what was read, never a person
    purpose: str
    caller_subject: str | None = Field(default=None, index=True)  # the person's `sub`, or the system's client id
    caller_kind: str | None = None  # person or system
    caller_name: str | None = None  # the person's display name
    caller_employee_number: str | None = None
    trace_id: str | None = Field(default=None, index=True)
    processing_activity_id: str | None = None
    legal_basis: str | None = None


def audit_entry(
    who: Caller | Organisation, action: str, subject: str, purpose: str, at: datetime, trace_id: str,
    activity: ProcessingActivity | None = None,
) -> AuditEntry:  # fmt: skip
    return AuditEntry(**audit_row(who, action, subject, purpose, at, trace_id, activity))


def audit_row(
    who: Caller | Organisation | str, action: str, subject: str, purpose: str, at: datetime, trace_id: str,
    activity: ProcessingActivity | None = None,
) -> dict:  # fmt: skip
    """The audit line's columns; `who` as a string: the chain's own system of that client id."""
    if isinstance(who, str):
        caller = {"organisation_id": CHAIN_OPERATOR, "role": "system", "caller_subject": who,
                  "caller_kind": CallerKind.SYSTEM.value, "caller_name": None, "caller_employee_number": None}  # fmt: skip
    else:
        reader = who if isinstance(who, Caller) else system_caller(who)
        caller = {
            "organisation_id": reader.organisation.id, "role": reader.role.value, "caller_subject": reader.subject,
            "caller_kind": reader.kind.value, "caller_name": reader.display_name, "caller_employee_number": reader.employee_number,
        }  # fmt: skip
    return {
        "at": at, "action": action, "subject": subject, "purpose": purpose, **caller, "trace_id": trace_id,
        "processing_activity_id": activity.id if activity else None, "legal_basis": activity.legal_basis if activity else None,
    }  # fmt: skip


def record_read(
    session: AsyncSession, who: Caller | Organisation, action: str, subject: str, purpose: str, at: datetime,
    activity: ProcessingActivity | None = None,
) -> None:  # fmt: skip
    """Write the audit line in the same transaction as the read it records (an appended
    row, shared.persistence.appends: it goes in at commit)."""
    append(session, AuditEntry.__table__, audit_row(who, action, subject, purpose, at, current_trace_id(), activity))


def record_system_read(
    session: AsyncSession, system: str, action: str, subject: str, purpose: str, at: datetime, trace_id: str,
    activity: ProcessingActivity | None = None,
) -> None:  # fmt: skip
    """A read the chain's own system makes, not on a partner's request: triage asking the
    population register who lives at a dwelling while it triages a signal."""
    append(session, AuditEntry.__table__, audit_row(system, action, subject, purpose, at, trace_id, activity))


async def audit_read(runtime, who: Caller | Organisation, action: str, subject: str, purpose: str = DEFAULT_PURPOSE) -> None:
    """Record a read made outside a writing transaction (list and view endpoints), under the
    service's processing activity."""
    async with runtime.sessions() as session, session.begin():
        record_read(session, who, action, subject, purpose, runtime.clock.now(), runtime.settings.processing_activity)


class AuditView(BaseModel):
    at: datetime
    organisation_id: str
    role: str
    action: str
    subject: str
    purpose: str
    caller_subject: str | None
    caller_kind: str | None
    caller_name: str | None
    caller_employee_number: str | None
    trace_id: str | None
    processing_activity_id: str | None = None
    legal_basis: str | None = None


router = APIRouter(prefix="/v1", tags=["audit"])
PrivacyOfficer = Annotated[Caller, Depends(caller(Role.PRIVACY_OFFICER))]


@router.get("/audit", response_model=list[AuditView], summary="Reads of case and household data (privacy officer)")
async def read_audit(
    _officer: PrivacyOfficer,
    request: Request,
    organisation: Annotated[Text(60) | None, Query()] = None,  # no control characters (docs/adr/0011)
    subject: Annotated[Text(100) | None, Query()] = None,
    person: Annotated[Text(200) | None, Query(description="the reader's subject (a person's sub or a system's client id)")] = None,
    trace_id: Annotated[Text(64) | None, Query()] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditView]:
    runtime = request.app.state.runtime
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if organisation is not None:
        query = query.where(AuditEntry.organisation_id == organisation)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    if person is not None:
        query = query.where(AuditEntry.caller_subject == person)
    if trace_id is not None:
        query = query.where(AuditEntry.trace_id == trace_id)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    async with runtime.sessions() as session:
        rows = (await session.exec(query)).all()
    return [AuditView.model_validate(row.model_dump()) for row in rows]
