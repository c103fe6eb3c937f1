"""Shelters: capacity, the requests routed to them, confirm, decline, end; their centre's waiting list.
GGD: requests it makes, their status and waiting-list position, alternatives meanwhile.
Nobody sees another shelter's residents; "not yours" and "does not exist" are both 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import audit_read
from shared.auth import caller
from shared.entitlement import may_see_request
from shared.caller import Caller
from shared.contracts.events.placement import AlternativeKind, Outflow
from shared.contracts.events.signals import MunicipalityCode
from shared.contracts.events.triage import Age, FamilyType, PlacementNeed
from shared.contracts.fields import CaseKey, FacilityId, FreeText, Text
from shared.organisations import Organisation, Role
from shared.runtime import Runtime
from services.placement import store
from services.placement.domain.registry import UnitType
from services.placement.domain.waitlist import days_waiting
from services.placement.tables import Facility, PlacementRequest
from services.placement.workflow import Composition, Conflict, FieldConflict, NotFound, PlacementWorkflow

router = APIRouter(prefix="/v1", tags=["placement"])
Shelter = Annotated[Caller, Depends(caller(Role.SHELTER))]
Ggd = Annotated[Caller, Depends(caller(Role.GGD))]
Reader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD, Role.MUNICIPALITY))]
RequestReader = Annotated[Caller, Depends(caller(Role.SHELTER, Role.GGD))]
NOT_FOUND = "no such request"
NO_FACILITY = "no such facility"
NO_CASE = "no such case"


class FacilityView(BaseModel):
    id: str
    shelter: str
    name: str
    centre: str = Field(description="centre municipality (CBS code)")
    region: list[str] = Field(description="municipality codes the facility serves")
    unit_type: UnitType
    capacity: int
    occupied: int
    offered: int = Field(description="units held by offers the shelter has not answered yet")
    free: int = Field(description="units a new family can be offered: capacity - occupied - offered")
    accepts: list[str] = Field(description="household types accepted: one_parent, two_parent")
    note: str


class FacilityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(ge=0, le=10_000, description="may not go below the units occupied")


class AlternativeView(BaseModel):
    kind: AlternativeKind
    note: str
    recorded_by: str
    at: datetime


class RequestView(BaseModel):
    id: UUID
    case_key: str
    requested_by: str
    adults: int
    children_ages: list[int]
    family_type: str
    need: str
    municipality_code: str
    status: str
    facility_id: str | None
    centre: str | None = Field(description="centre whose waiting list the family is on")
    out_of_region: bool
    waitlist_position: int | None = Field(description="1 = next in line on the centre's list; only while waitlisted")
    days_waiting: int
    last_update_at: datetime
    lost_from_view_at: datetime | None
    outflow: str | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime
    alternatives: list[AlternativeView] = Field(description="where the family stays meanwhile (GGD that asked only)")


class RequestIn(BaseModel):
    """A GGD asks for a place: the family's composition and need, never who they are."""

    model_config = ConfigDict(extra="forbid")

    adults: int = Field(ge=1, le=10)
    children_ages: list[Age] = Field(default_factory=list, max_length=20)
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: MunicipalityCode
    case_key: CaseKey | None = Field(None, description="the triage case this request belongs to, if any (of your region)")
    reason: str = Field("requested_by_ggd", pattern=r"^[a-z_]{3,60}$", description="machine-readable reason code")


class WaitlistEntry(BaseModel):
    request_id: UUID
    centre: str | None
    position: int | None
    family_type: str
    adults: int
    children_ages: list[int]
    need: str
    municipality_code: str
    out_of_region: bool
    minors_present: bool
    days_waiting: int
    waiting_since: datetime
    last_update_at: datetime
    lost_from_view: bool


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: FreeText(300, min_length=3)


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outflow: Outflow = Field(description="where the family went: contingent_dwelling, omklap, own_network, unknown")


class AlternativeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AlternativeKind
    note: FreeText(500) = Field("", description="for GGD's own follow-up; stays in this service")


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _workflow(request: Request) -> PlacementWorkflow:
    return request.app.state.workflow


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
WorkflowDep = Annotated[PlacementWorkflow, Depends(_workflow)]


# --- registry ---------------------------------------------------------------------------------------


@router.get("/facilities", response_model=list[FacilityView], summary="Facilities, units and free capacity")
async def list_facilities(
    _caller: Reader,
    runtime: RuntimeDep,
    centre: Annotated[Text(4, pattern=r"^[0-9]{4}$") | None, Query(description="centre municipality (CBS code)")] = None,
    unit_type: UnitType | None = None,
) -> list[FacilityView]:
    async with runtime.sessions() as session:
        facilities, facts = await store.facilities_with_facts(session)
    free = {fact.id: fact.free for fact in facts}
    return [
        _facility_view(facility, free[facility.id])
        for facility in sorted(facilities.values(), key=lambda f: (f.centre, f.id))
        if (centre is None or facility.centre == centre) and (unit_type is None or facility.unit_type == unit_type)
    ]


@router.patch(
    "/facilities/{facility_id}",
    response_model=FacilityView,
    summary="Update your facility's capacity; freed units go to the waiting list",
    responses={404: {}, 409: {"description": "capacity below the units occupied (names the field)"}},
)
async def update_facility(
    facility_id: FacilityId, body: FacilityPatch, organisation: Shelter, workflow: WorkflowDep, runtime: RuntimeDep
) -> FacilityView:
    try:
        await workflow.update_capacity(facility_id, organisation.id, body.capacity)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NO_FACILITY) from None
    except FieldConflict as exc:
        raise _field_conflict(exc) from None
    async with runtime.sessions() as session:
        facilities, facts = await store.facilities_with_facts(session)
    return _facility_view(facilities[facility_id], next(f.free for f in facts if f.id == facility_id))


# --- requests ---------------------------------------------------------------------------------------


@router.post(
    "/requests",
    response_model=RequestView,
    status_code=status.HTTP_201_CREATED,
    summary="GGD asks for a place for a family; offered to a facility or waitlisted",
    responses={
        404: {"description": "no such case in your region"},
        409: {"description": "the case already has an open request (names the field)"},
    },
)
async def create_request(body: RequestIn, organisation: Ggd, workflow: WorkflowDep, runtime: RuntimeDep) -> RequestView:
    family = Composition(
        adults=body.adults,
        children_ages=tuple(body.children_ages),
        family_type=body.family_type.value,
        need=body.need.value,
        municipality_code=body.municipality_code,
        reason=body.reason,
    )
    try:
        request = await workflow.request(organisation.id, family, body.case_key)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NO_CASE) from None
    except FieldConflict as exc:
        raise _field_conflict(exc) from None
    return await _view(runtime, request, organisation)


@router.get("/requests", response_model=list[RequestView], summary="Requests routed to your shelter, or made by you")
async def list_requests(
    organisation: RequestReader,
    runtime: RuntimeDep,
    state: Annotated[Text(20) | None, Query(alias="status", description="offered, waitlisted, placed or ended")] = None,
) -> list[RequestView]:
    await audit_read(runtime, organisation, "list placement requests", f"requests of {organisation.id}")
    async with runtime.sessions() as session:
        query = select(PlacementRequest).order_by(col(PlacementRequest.created_at))
        if organisation.role is Role.SHELTER:
            own = select(Facility.id).where(Facility.shelter == organisation.id)
            query = query.where(col(PlacementRequest.facility_id).in_(own))
        else:
            query = query.where(PlacementRequest.requested_by == organisation.id)
        if state is not None:
            query = query.where(PlacementRequest.status == state)
        requests = (await session.exec(query)).all()
        return [await _request_view(session, request, organisation, runtime) for request in requests]


@router.get("/requests/{request_id}", response_model=RequestView, summary="One request routed to you or made by you")
async def read_request(request_id: UUID, organisation: RequestReader, runtime: RuntimeDep) -> RequestView:
    await audit_read(runtime, organisation, "read placement request", str(request_id))
    async with runtime.sessions() as session:
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        shelter = facility.shelter if facility is not None else None
        if request is None or not may_see_request(organisation, request.requested_by, shelter):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        return await _request_view(session, request, organisation, runtime)


@router.post(
    "/requests/{request_id}/confirm",
    response_model=RequestView,
    summary="Confirm a unit for this family",
    responses={404: {}, 409: {"description": "no free unit left, or the request is no longer open"}},
)
async def confirm(request_id: UUID, organisation: Shelter, workflow: WorkflowDep, runtime: RuntimeDep) -> RequestView:
    try:
        request = await workflow.confirm(request_id, organisation.id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return await _view(runtime, request, organisation)


@router.post(
    "/requests/{request_id}/decline",
    response_model=RequestView,
    summary="Decline, with a reason; the family is offered elsewhere or waitlisted",
    responses={404: {}, 409: {}},
)
async def decline(
    request_id: UUID, body: DeclineIn, organisation: Shelter, workflow: WorkflowDep, runtime: RuntimeDep
) -> RequestView:
    try:
        await workflow.decline(request_id, organisation.id, body.reason)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    # The family is no longer routed to this shelter: it sees only that the decline was recorded.
    return await _view(runtime, await _load(runtime, request_id), organisation, hide_family=True)


@router.post(
    "/requests/{request_id}/end",
    response_model=RequestView,
    summary="The family left: record the outflow; the unit is freed and offered to the waiting list",
    responses={404: {}, 409: {"description": "the request is not placed (any more)"}},
)
async def end(request_id: UUID, body: EndIn, organisation: Shelter, workflow: WorkflowDep, runtime: RuntimeDep) -> RequestView:
    try:
        request = await workflow.end(request_id, organisation.id, body.outflow)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return await _view(runtime, request, organisation)


@router.post(
    "/requests/{request_id}/alternative",
    response_model=RequestView,
    status_code=status.HTTP_201_CREATED,
    summary="Record where a waitlisted family stays meanwhile; counts as an update, the family stays on the list",
    responses={404: {}, 409: {"description": "the request is not waitlisted (names the field)"}},
)
async def record_alternative(
    request_id: UUID, body: AlternativeIn, organisation: Ggd, workflow: WorkflowDep, runtime: RuntimeDep
) -> RequestView:
    try:
        request = await workflow.record_alternative(request_id, organisation.id, body.kind, body.note)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except FieldConflict as exc:
        raise _field_conflict(exc) from None
    return await _view(runtime, request, organisation)


# --- waiting list -----------------------------------------------------------------------------------


@router.get(
    "/waitlist",
    response_model=list[WaitlistEntry],
    summary="GGD: its waitlisted families. Shelter: its centre's waiting list. In priority order.",
)
async def waitlist(organisation: RequestReader, runtime: RuntimeDep) -> list[WaitlistEntry]:
    await audit_read(runtime, organisation, "read waiting list", f"waiting list of {organisation.id}")
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        if organisation.role is Role.SHELTER:
            centres = set(
                (await session.exec(select(Facility.centre).where(Facility.shelter == organisation.id))).all()
            )
            requests, positions = await store.positions_in(session, centres)
        else:
            own = [r for r in await store.waitlisted(session) if r.requested_by == organisation.id]
            _, positions = await store.positions_in(session, {r.centre for r in own if r.centre is not None})
            requests = own
    entries = [_waitlist_entry(request, positions.get(request.id), now) for request in requests]
    return sorted(entries, key=lambda e: (e.centre or "~", e.position or 10**9, e.waiting_since))


# --- views ------------------------------------------------------------------------------------------


def _facility_view(facility: Facility, free: int) -> FacilityView:
    offered = max(facility.capacity - facility.occupied - free, 0)
    return FacilityView(free=free, offered=offered, **facility.model_dump())


async def _load(runtime: Runtime, request_id: UUID) -> PlacementRequest:
    async with runtime.sessions() as session:
        return await session.get(PlacementRequest, request_id)


async def _view(runtime: Runtime, request: PlacementRequest, organisation: Organisation, hide_family: bool = False) -> RequestView:
    async with runtime.sessions() as session:
        fresh = await session.get(PlacementRequest, request.id)
        view = await _request_view(session, fresh, organisation, runtime)
    if hide_family:
        view = view.model_copy(update={"facility_id": None, "centre": None, "waitlist_position": None})
    return view


async def _request_view(
    session: AsyncSession, request: PlacementRequest, organisation: Organisation, runtime: Runtime
) -> RequestView:
    is_requester = request.requested_by == organisation.id
    alternatives = await store.alternatives_of(session, request.id) if is_requester else []
    return RequestView(
        **request.model_dump(exclude={"reason"}),
        waitlist_position=await store.position_of(session, request),
        days_waiting=days_waiting(request.created_at, runtime.clock.now()) if request.status == store.WAITLISTED else 0,
        alternatives=[AlternativeView.model_validate(a.model_dump()) for a in alternatives],
    )


def _waitlist_entry(request: PlacementRequest, position: int | None, now: datetime) -> WaitlistEntry:
    return WaitlistEntry(
        request_id=request.id,
        centre=request.centre,
        position=position,
        family_type=request.family_type,
        adults=request.adults,
        children_ages=request.children_ages,
        need=request.need,
        municipality_code=request.municipality_code,
        out_of_region=request.out_of_region,
        minors_present=bool(request.children_ages),
        days_waiting=days_waiting(request.created_at, now),
        waiting_since=request.created_at,
        last_update_at=request.last_update_at,
        lost_from_view=request.lost_from_view_at is not None and request.lost_from_view_at >= request.last_update_at,
    )


def _field_conflict(exc: FieldConflict) -> HTTPException:
    """409 in the shape of a validation error, so clients find the offending field the same way."""
    return HTTPException(
        status.HTTP_409_CONFLICT, detail=[{"loc": [exc.location, exc.field], "msg": str(exc), "type": "conflict"}]
    )
