"""Shelters: capacity, the requests routed to them, confirm or decline.
GGD: the status of the requests it made. Nobody sees another shelter's residents."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, or_, select

from shared.auth import caller
from shared.organisations import Organisation, Role
from shared.runtime import Runtime
from services.placement.tables import Facility, PlacementRequest
from services.placement.workflow import Conflict, NotFound, PlacementWorkflow

router = APIRouter(prefix="/v1", tags=["placement"])
Shelter = Annotated[Organisation, Depends(caller(Role.SHELTER))]
Reader = Annotated[Organisation, Depends(caller(Role.SHELTER, Role.GGD, Role.MUNICIPALITY))]
RequestReader = Annotated[Organisation, Depends(caller(Role.SHELTER, Role.GGD))]
NOT_FOUND = "no such request"


class FacilityView(BaseModel):
    id: str
    shelter: str
    name: str
    centre: str
    unit_type: str
    capacity: int
    occupied: int
    free: int
    accepts: list[str]
    note: str


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
    out_of_region: bool
    created_at: datetime
    updated_at: datetime


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=300)


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _workflow(request: Request) -> PlacementWorkflow:
    return request.app.state.workflow


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
WorkflowDep = Annotated[PlacementWorkflow, Depends(_workflow)]


@router.get("/facilities", response_model=list[FacilityView], summary="Facilities, units and free capacity")
async def list_facilities(_caller: Reader, runtime: RuntimeDep, centre: str | None = None) -> list[FacilityView]:
    async with runtime.sessions() as session:
        query = select(Facility).order_by(col(Facility.centre), col(Facility.id))
        if centre is not None:
            query = query.where(Facility.centre == centre)
        return [_facility_view(f) for f in (await session.exec(query)).all()]


@router.get("/requests", response_model=list[RequestView], summary="Requests routed to your shelter, or made by you")
async def list_requests(organisation: RequestReader, runtime: RuntimeDep) -> list[RequestView]:
    async with runtime.sessions() as session:
        query = select(PlacementRequest).order_by(col(PlacementRequest.created_at))
        if organisation.role is Role.SHELTER:
            own = select(Facility.id).where(Facility.shelter == organisation.id)
            query = query.where(col(PlacementRequest.facility_id).in_(own))
        else:
            query = query.where(PlacementRequest.requested_by == organisation.id)
        return [RequestView.model_validate(r.model_dump()) for r in (await session.exec(query)).all()]


@router.get("/requests/{request_id}", response_model=RequestView, summary="One request routed to you or made by you")
async def read_request(request_id: UUID, organisation: RequestReader, runtime: RuntimeDep) -> RequestView:
    async with runtime.sessions() as session:
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
    visible = request is not None and (
        request.requested_by == organisation.id or (facility is not None and facility.shelter == organisation.id)
    )
    if not visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return RequestView.model_validate(request.model_dump())


@router.post(
    "/requests/{request_id}/confirm",
    response_model=RequestView,
    summary="Confirm a unit for this family",
    responses={404: {}, 409: {"description": "no free unit left, or the request is no longer open"}},
)
async def confirm(request_id: UUID, organisation: Shelter, workflow: WorkflowDep) -> RequestView:
    try:
        request = await workflow.confirm(request_id, organisation.id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return RequestView.model_validate(request.model_dump())


@router.post(
    "/requests/{request_id}/decline",
    response_model=RequestView,
    summary="Decline, with a reason; the family is offered elsewhere or waitlisted",
    responses={404: {}, 409: {}},
)
async def decline(request_id: UUID, body: DeclineIn, organisation: Shelter, workflow: WorkflowDep) -> RequestView:
    try:
        request = await workflow.decline(request_id, organisation.id, body.reason)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return RequestView.model_validate(request.model_dump())


def _facility_view(facility: Facility) -> FacilityView:
    return FacilityView(free=facility.capacity - facility.occupied, **facility.model_dump(exclude={"region"}))
