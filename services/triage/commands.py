"""What teams tell triage over HTTP: feedback on an alert (home visits included), a corrected
composition, a safety-net plan before a family's eviction.

Only the team an alert went to may report on it; only the GGD or a team the
case was routed to may correct who lives there. "Not yours" and "does not
exist" both answer 404 with no case data. A report that contradicts an earlier
one answers 409, a wrong value 400, both naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Union
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from shared.auth import caller
from shared.entitlement import may_see_case, owns
from shared.contracts.fields import CalendarDate, CaseKey, FreeText
from shared.caller import Caller
from shared.contracts.events.prevention import PreventionOutcome
from shared.organisations import Organisation, Role
from shared.deps import RuntimeDep
from shared.contracts.events.triage import SafetyNetArrangement
from services.triage.case.correction import CompositionDesk, Correction
from services.triage.case.safety_net import Plan, SafetyNetDesk
from services.triage.domain.safety_net import PlanRefused
from services.triage.domain.feedback import FeedbackKind, FeedbackRefused
from services.triage.feedback import Feedback, FeedbackDesk
from services.triage.tables import Alert, HouseholdCase

router = APIRouter(prefix="/v1", tags=["feedback"])
CaseWorker = Annotated[Caller, Depends(caller(Role.GGD, Role.PREVENTION_TEAM))]
ALERT_NOT_FOUND = "no such alert"
CASE_NOT_FOUND = "no such case"


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reported_on: CalendarDate = Field(description="the day the team made contact or wrote the report")


class ContactMadeIn(_Report):
    type: Literal["contact-made"]


class HomeVisitIn(_Report):
    type: Literal["home-visit"]
    visitors: int = Field(ge=1, le=6, description="how many workers went (bemoeizorg: two on a first visit)")
    met_household: bool = Field(description="the household opened the door and talked: counts as contact")


class IntermediateReportIn(_Report):
    type: Literal["report-intermediate"]


class FinalReportIn(_Report):
    type: Literal["report-final"]
    outcome: PreventionOutcome
    debt_settlement_pending: bool = Field(False, description="a debt settlement request is being handled")


FeedbackIn = Annotated[Union[ContactMadeIn, HomeVisitIn, IntermediateReportIn, FinalReportIn], Field(discriminator="type")]


class FeedbackOut(BaseModel):
    alert_id: UUID
    type: str
    reported_on: date
    collection_suspended_until: date | None
    alerts_raised: list[UUID]


class CompositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adults: int = Field(ge=1, le=10)
    children_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(default=[], max_length=20)
    reason: FreeText(500, min_length=3) = Field(description="how the team learned it (kept on the case, not published)")


class CompositionOut(BaseModel):
    case_key: str
    is_family: bool
    persons: int
    minors: int
    alerts_raised: list[UUID]
    placement_requested: bool


@router.post(
    "/alerts/{alert_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackOut,
    summary="Report back on an alert your team received: contact made, a home visit, intermediate or final report",
    responses={404: {}, 409: {}},
)
async def post_feedback(alert_id: UUID, body: FeedbackIn, team: CaseWorker, runtime: RuntimeDep, request: Request) -> FeedbackOut:
    desk: FeedbackDesk = request.app.state.feedback_desk
    feedback = Feedback(
        kind=FeedbackKind(body.type),
        reported_on=body.reported_on,
        outcome=getattr(body, "outcome", None),
        debt_settlement_pending=getattr(body, "debt_settlement_pending", False),
        visitors=getattr(body, "visitors", None),
        met_household=getattr(body, "met_household", False),
    )
    async with runtime.sessions() as session, session.begin():
        alert = await _own_alert(session, alert_id, team)
        try:
            recorded = await desk.record(session, alert, team.id, feedback)
        except FeedbackRefused as refused:
            code = status.HTTP_409_CONFLICT if refused.conflict else status.HTTP_400_BAD_REQUEST
            raise HTTPException(code, detail=[{"loc": ["body", refused.field], "msg": str(refused), "type": "refused"}]) from None
    runtime.relay.wake()
    return FeedbackOut(
        alert_id=recorded.alert_id,
        type=recorded.kind,
        reported_on=recorded.reported_on,
        collection_suspended_until=recorded.collection_suspended_until,
        alerts_raised=recorded.alerts_raised,
    )


@router.post(
    "/cases/{case_key}/composition",
    response_model=CompositionOut,
    summary="Correct who lives there (e.g. a hidden child); the case is re-evaluated",
    responses={404: {}},
)
async def correct_composition(
    case_key: CaseKey, body: CompositionIn, organisation: CaseWorker, runtime: RuntimeDep, request: Request
) -> CompositionOut:
    desk: CompositionDesk = request.app.state.composition_desk
    async with runtime.sessions() as session, session.begin():
        case = await session.get(HouseholdCase, case_key)
        if case is None or not await _entitled(session, case, organisation):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=CASE_NOT_FOUND)
        recorded = await desk.correct(
            session, case, organisation.id, Correction(body.adults, tuple(body.children_ages), body.reason)
        )
    runtime.relay.wake()
    return CompositionOut(
        case_key=case_key,
        is_family=recorded.is_family,
        persons=recorded.persons,
        minors=recorded.minors,
        alerts_raised=recorded.alerts_raised,
        placement_requested=recorded.placement_requested,
    )


class SafetyNetPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eviction_date: CalendarDate = Field(description="the eviction the plan is for: the date the case has scheduled")
    made_on: CalendarDate = Field(description="the day the plan was agreed; not in the future, not after the eviction")
    arrangements: list[SafetyNetArrangement] = Field(min_length=1, max_length=len(SafetyNetArrangement))


class SafetyNetPlanOut(BaseModel):
    case_key: str
    eviction_date: date
    made_on: date
    arrangements: list[SafetyNetArrangement]


@router.post(
    "/cases/{case_key}/safety-net-plan",
    status_code=status.HTTP_201_CREATED,
    response_model=SafetyNetPlanOut,
    summary="Record the safety-net plan for a family before its eviction (no urgent late-in-view alert then)",
    responses={404: {}, 409: {}},
)
async def record_safety_net_plan(
    case_key: CaseKey, body: SafetyNetPlanIn, organisation: CaseWorker, runtime: RuntimeDep, request: Request
) -> SafetyNetPlanOut:
    desk: SafetyNetDesk = request.app.state.safety_net_desk
    arrangements = tuple(dict.fromkeys(body.arrangements))
    async with runtime.sessions() as session, session.begin():
        case = await session.get(HouseholdCase, case_key)
        if case is None or not await _entitled(session, case, organisation):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=CASE_NOT_FOUND)
        try:
            await desk.record(session, case, organisation.id, Plan(body.eviction_date, body.made_on, arrangements))
        except PlanRefused as refused:
            code = status.HTTP_409_CONFLICT if refused.conflict else status.HTTP_400_BAD_REQUEST
            raise HTTPException(code, detail=[{"loc": ["body", refused.field], "msg": str(refused), "type": "refused"}]) from None
    runtime.relay.wake()
    return SafetyNetPlanOut(case_key=case_key, eviction_date=body.eviction_date, made_on=body.made_on, arrangements=list(arrangements))


async def _own_alert(session, alert_id: UUID, team: Organisation) -> Alert:
    """The alert the team reports on; a reminder stands for the alert it is about."""
    alert = await session.get(Alert, alert_id)
    if alert is not None and alert.regarding_alert_id is not None and owns(team, alert.recipient):
        alert = await session.get(Alert, alert.regarding_alert_id)
    if alert is None or not owns(team, alert.recipient):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=ALERT_NOT_FOUND)
    return alert


async def _entitled(session, case: HouseholdCase, organisation: Organisation) -> bool:
    """The case lead, or a team one of the case's alerts went to (shared.entitlement)."""
    query = select(Alert.recipient).where(Alert.case_key == case.case_key, Alert.recipient == organisation.id)
    return may_see_case(organisation, case.case_lead, (await session.exec(query.limit(1))).all())
