"""What each organisation sees of the requests (shared.entitlement): a shelter the
requests routed to its facilities and its centres' waiting lists, a GGD the requests
it made. "Not yours" and "does not exist" are the same NotFound."""

from __future__ import annotations

from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.entitlement import may_see_request
from shared.errors import NotFound
from shared.organisations import Organisation, Role
from services.placement import queries
from services.placement.domain.request_status import RequestStatus
from services.placement.tables import Facility, PlacementRequest


async def requests_seen_by(session: AsyncSession, organisation: Organisation, status: str | None) -> list[PlacementRequest]:
    """Oldest first; `status` narrows the list (a status that does not exist: none)."""
    query = select(PlacementRequest).order_by(col(PlacementRequest.created_at))
    if organisation.role is Role.SHELTER:
        own = select(Facility.id).where(Facility.shelter == organisation.id)
        query = query.where(col(PlacementRequest.facility_id).in_(own))
    else:
        query = query.where(PlacementRequest.requested_by == organisation.id)
    if status is not None:
        if status not in set(RequestStatus):
            return []
        query = query.where(PlacementRequest.status == RequestStatus(status))
    return list((await session.exec(query)).all())


async def request_seen_by(session: AsyncSession, request_id: UUID, organisation: Organisation) -> PlacementRequest:
    request = await session.get(PlacementRequest, request_id)
    facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
    shelter = facility.shelter if facility is not None else None
    if request is None or not may_see_request(organisation, request.requested_by, shelter):
        raise NotFound("no such request")
    return request


async def waitlist_seen_by(
    session: AsyncSession, organisation: Organisation
) -> tuple[list[PlacementRequest], dict[UUID, int]]:
    """A shelter: the lists of its facilities' centres. A GGD: its own waitlisted families.
    With each family's position on its centre's list."""
    if organisation.role is Role.SHELTER:
        centres = set((await session.exec(select(Facility.centre).where(Facility.shelter == organisation.id))).all())
        return await queries.positions_in(session, centres)
    own = [r for r in await queries.waitlisted(session) if r.requested_by == organisation.id]
    _, positions = await queries.positions_in(session, {r.centre for r in own if r.centre is not None})
    return own, positions
