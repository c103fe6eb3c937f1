"""The case view for the teams a case was routed to: state, composition, timeline and
the trace of every routing decision ("why did this go there?"). Every read is audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel
from sqlmodel import col, select

from shared.audit import audit_read, record_read
from shared.auth import caller
from shared.entitlement import may_see_case
from shared.contracts.fields import CaseKey, Purpose
from shared.organisations import Organisation, Role
from shared.caller import Caller
from shared.organisations import Role
from shared.runtime import Runtime
from services.triage.capacity import referrals_in_year, referrals_this_year
from services.triage.tables import Alert, CaseEntry, HouseholdCase

router = APIRouter(prefix="/v1", tags=["cases"])
CaseWorker = Annotated[Caller, Depends(caller(Role.GGD, Role.PREVENTION_TEAM))]
NOT_FOUND = "no such case"


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    event_id: UUID | None
    summary: dict[str, Any]


class AlertView(BaseModel):
    alert_id: UUID
    case_key: str
    signal_id: UUID
    signal_type: str
    recipient: str
    kind: str
    priority: str
    due: datetime
    rule_id: str
    reason: str
    trigger: str
    raised_at: datetime
    regarding_alert_id: UUID | None
    report: str | None
    intermediate_report_due: datetime | None
    final_report_due: datetime | None
    contact_made_on: date | None
    intermediate_report_on: date | None
    final_report_on: date | None
    outcome: str | None
    debt_settlement_pending: bool


class CaseView(BaseModel):
    case_key: str
    municipality_code: str
    district: str | None
    state: str
    is_family: bool | None
    persons: int
    minors: int
    minor_ages: list[int]
    composition_source: str
    uncertain: list[str]
    assessed_on: date | None
    case_lead: str | None
    eviction_date: date | None
    prevention_contact_on: date | None
    alerts: list[AlertView]
    timeline: list[TimelineEntry]


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.get("/cases/{case_key}", response_model=CaseView, summary="A case routed to your organisation")
async def read_case(
    case_key: CaseKey,
    organisation: CaseWorker,
    runtime: RuntimeDep,
    purpose: Annotated[Purpose, Query(description="why you read this case (audited)")] = "case work",
) -> CaseView:
    async with runtime.sessions() as session, session.begin():
        case = await session.get(HouseholdCase, case_key)
        alerts = (
            await session.exec(select(Alert).where(Alert.case_key == case_key).order_by(col(Alert.raised_at)))
        ).all()
        if case is None or not may_see_case(organisation, case.case_lead, (alert.recipient for alert in alerts)):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        record_read(session, organisation, "read case", case_key, purpose, runtime.clock.now(), runtime.settings.processing_activity)
        entries = (
            await session.exec(select(CaseEntry).where(CaseEntry.case_key == case_key).order_by(col(CaseEntry.id)))
        ).all()
    return CaseView(
        **case.model_dump(exclude={"opened_at", "updated_at", "last_arrears_months"}),
        alerts=[AlertView.model_validate(alert.model_dump()) for alert in alerts],
        timeline=[TimelineEntry(at=e.at, kind=e.kind, event_id=e.event_id, summary=e.summary) for e in entries],
    )


@router.get("/alerts", response_model=list[AlertView], summary="Alerts raised for your organisation, newest first")
async def list_alerts(
    organisation: CaseWorker, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AlertView]:
    await audit_read(runtime, organisation, "list alerts", f"alerts of {organisation.id}")
    async with runtime.sessions() as session:
        query = select(Alert).where(Alert.recipient == organisation.id).order_by(col(Alert.raised_at).desc()).limit(limit)
        return [AlertView.model_validate(alert.model_dump()) for alert in (await session.exec(query)).all()]


class CapacityView(BaseModel):
    recipient: str
    year: int
    capacity: int
    referrals: int
    overflow: int


Capacity = Annotated[Caller, Depends(caller(Role.PREVENTION_TEAM, Role.GGD, Role.MUNICIPALITY))]


@router.get("/capacity", response_model=list[CapacityView], summary="Referrals per team against its yearly capacity")
async def read_capacity(
    _caller: Capacity, runtime: RuntimeDep, request: Request, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> list[CapacityView]:
    now = runtime.clock.now()
    moment = now if year is None else now.replace(year=year, month=12, day=31)
    views = []
    async with runtime.sessions() as session:
        for recipient, capacity in sorted(request.app.state.rules.yearly_capacity.items()):
            if year is None or year == now.year:
                used = await referrals_this_year(session, recipient, now)
            else:
                used = await referrals_in_year(session, recipient, moment.year)
            views.append(CapacityView(recipient=recipient, year=moment.year, capacity=capacity, referrals=used, overflow=max(0, used - capacity)))
    return views
