"""Rows as the API shows them: free units net of open offers, a request with its
position on the waiting list, and its alternatives for the GGD that asked only."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.organisations import Organisation
from shared.runtime import Runtime
from services.placement import queries
from services.placement.api.schemas import AlternativeView, FacilityView, RequestView, WaitlistEntry
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.waitlist import days_waiting
from services.placement.tables import Facility, PlacementRequest


async def facility_views(runtime: Runtime) -> list[FacilityView]:
    """Every facility, by centre and id."""
    async with runtime.sessions() as session:
        facilities, facts = await queries.facilities_with_facts(session)
    free = {fact.id: fact.free for fact in facts}
    return [_facility_view(facility, free[facility.id]) for facility in sorted(facilities.values(), key=lambda f: (f.centre, f.id))]


def _facility_view(facility: Facility, free: int) -> FacilityView:
    offered = max(facility.capacity - facility.occupied - free, 0)
    return FacilityView(free=free, offered=offered, **facility.model_dump())


async def request_view(runtime: Runtime, request_id: UUID, organisation: Organisation, hide_family: bool = False) -> RequestView:
    """The request as it is now. `hide_family`: for a shelter that declined it, not where it went next."""
    async with runtime.sessions() as session:
        request = await session.get(PlacementRequest, request_id)
        view = await request_view_in(session, request, organisation, runtime.clock.now())
    if hide_family:
        view = view.model_copy(update={"facility_id": None, "centre": None, "waitlist_position": None})
    return view


async def request_view_in(
    session: AsyncSession, request: PlacementRequest, organisation: Organisation, now: datetime
) -> RequestView:
    is_requester = request.requested_by == organisation.id
    alternatives = await queries.alternatives_of(session, request.id) if is_requester else []
    return RequestView(
        **request.model_dump(exclude={"reason"}),
        **_not_admitted(request),
        waitlist_position=await queries.position_of(session, request),
        days_waiting=days_waiting(request.created_at, now) if request.status == RequestStatus.WAITLISTED else 0,
        alternatives=[AlternativeView.model_validate(a.model_dump()) for a in alternatives],
    )


def _not_admitted(request: PlacementRequest) -> dict[str, int]:
    """The persons of the family the shelter did not admit (0 before it confirmed)."""
    if request.adults_admitted is None:
        return {"adults_not_admitted": 0, "children_not_admitted": 0}
    return {
        "adults_not_admitted": request.adults - request.adults_admitted,
        "children_not_admitted": len(request.children_ages) - (request.children_admitted or 0),
    }


def waitlist_entries(requests: list[PlacementRequest], positions: dict[UUID, int], now: datetime) -> list[WaitlistEntry]:
    """In priority order: by centre, then position on its list (families on no list last)."""
    entries = [_waitlist_entry(request, positions.get(request.id), now) for request in requests]
    return sorted(entries, key=lambda e: (e.centre or "~", e.position or 10**9, e.waiting_since))


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
