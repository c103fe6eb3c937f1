"""The case view for the teams a case was routed to: state, composition, timeline and
the trace of every routing decision ("why did this go there?"), and the family's earlier
cases at other dwellings with their placements and outcomes (docs/adr/0038). Every read is
audited, each earlier case's too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from shared.audit import audit_read
from shared.auth import caller
from shared.contracts.fields import CaseKey, Purpose
from shared.caller import Caller
from shared.organisations import Role
from shared.deps import RuntimeDep
from services.triage import queries

router = APIRouter(prefix="/v1", tags=["cases"])
CaseWorker = Annotated[Caller, Depends(caller(Role.GGD, Role.PREVENTION_TEAM))]


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


class EarlierCaseView(BaseModel):
    """An earlier case of the same family at another dwelling (at least one person in common)."""

    case_key: str
    municipality_code: str
    linked_at: datetime
    shared_persons: int
    opened_at: datetime
    state: str
    evicted_on: date | None
    placements: list[TimelineEntry]
    outcomes: list[str]


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
    safety_net_plan_on: date | None = None
    evicted_on: date | None = None
    alerts: list[AlertView]
    timeline: list[TimelineEntry]
    earlier_cases: list[EarlierCaseView] = []


@router.get("/cases/{case_key}", response_model=CaseView, summary="A case routed to your organisation")
async def read_case(
    case_key: CaseKey,
    organisation: CaseWorker,
    runtime: RuntimeDep,
    purpose: Annotated[Purpose, Query(description="why you read this case (audited)")] = "case work",
) -> CaseView:
    found = await queries.read_case(runtime, organisation, case_key, purpose)
    return CaseView(
        **found.case.model_dump(exclude={"opened_at", "updated_at", "last_arrears_months"}),
        alerts=[AlertView.model_validate(alert.model_dump()) for alert in found.alerts],
        timeline=[_entry(e) for e in found.timeline],
        earlier_cases=[_earlier(e) for e in found.earlier],
    )


def _entry(entry) -> TimelineEntry:
    return TimelineEntry(at=entry.at, kind=entry.kind, event_id=entry.event_id, summary=entry.summary)


def _earlier(found) -> EarlierCaseView:
    case, link = found.case, found.link
    return EarlierCaseView(
        case_key=case.case_key, municipality_code=case.municipality_code, linked_at=link.linked_at,
        shared_persons=link.shared_persons, opened_at=case.opened_at, state=case.state, evicted_on=case.evicted_on,
        placements=[_entry(e) for e in found.placements], outcomes=found.outcomes,
    )  # fmt: skip


@router.get("/alerts", response_model=list[AlertView], summary="Alerts raised for your organisation, newest first")
async def list_alerts(
    organisation: CaseWorker, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AlertView]:
    await audit_read(runtime, organisation, "list alerts", f"alerts of {organisation.id}")
    return [AlertView.model_validate(alert.model_dump()) for alert in await queries.alerts_for(runtime, organisation.id, limit)]


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
    return [
        CapacityView(recipient=r.recipient, year=r.year, capacity=r.capacity, referrals=r.used, overflow=max(0, r.used - r.capacity))
        for r in await queries.referrals(runtime, request.app.state.rules.yearly_capacity, year)
    ]
