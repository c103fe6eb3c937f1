"""Facilities and their free capacity; a shelter states the capacity of its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from shared.contracts.fields import FacilityId, Text
from services.placement import facilities
from services.placement.api.callers import Reader, RuntimeDep, Shelter
from services.placement.api.schemas import FacilityPatch, FacilityView
from services.placement.api.views import facility_views
from services.placement.domain.registry import UnitType

router = APIRouter(prefix="/v1", tags=["placement"])


@router.get("/facilities", response_model=list[FacilityView], summary="Facilities, units and free capacity")
async def list_facilities(
    _caller: Reader,
    runtime: RuntimeDep,
    centre: Annotated[Text(4, pattern=r"^[0-9]{4}$") | None, Query(description="centre municipality (CBS code)")] = None,
    unit_type: UnitType | None = None,
) -> list[FacilityView]:
    return [
        view
        for view in await facility_views(runtime)
        if (centre is None or view.centre == centre) and (unit_type is None or view.unit_type == unit_type)
    ]


@router.patch(
    "/facilities/{facility_id}",
    response_model=FacilityView,
    summary="Update your facility's capacity; freed units go to the waiting list",
    responses={404: {}, 409: {"description": "capacity below the units occupied (names the field)"}},
)
async def update_facility(facility_id: FacilityId, body: FacilityPatch, organisation: Shelter, runtime: RuntimeDep) -> FacilityView:
    await facilities.update_capacity(runtime, facility_id, organisation.id, body.capacity)
    [view] = [view for view in await facility_views(runtime) if view.id == facility_id]
    return view
