"""Reads the use cases and the API share: free units net of open offers, regions,
the waiting list as the pure core sees it. No decisions here, only facts."""

from __future__ import annotations

from typing import Iterable
from uuid import UUID

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import PlacementNeed
from services.placement.domain.matching import FacilityFacts
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.waitlist import WaitingFamily, positions
from services.placement.tables import Alternative, Decline, Facility, PlacementRequest


async def facilities_with_facts(
    session: AsyncSession, *, excluding: UUID | None = None
) -> tuple[dict[str, Facility], list[FacilityFacts]]:
    """Every facility and what matching needs to know about it.

    An open offer holds its unit until the shelter confirms or declines, so a
    family further down the waiting list cannot take it first. `excluding` is
    the request being matched again, whose own offer must not count."""
    # populate_existing: re-read rows this session holds already, so a retry sees what others committed.
    fresh = {"populate_existing": True}
    facilities = (await session.exec(select(Facility).order_by(col(Facility.id)).execution_options(**fresh))).all()
    held_query = (
        select(PlacementRequest.facility_id, func.count())
        .where(PlacementRequest.status == RequestStatus.OFFERED, col(PlacementRequest.facility_id).is_not(None))
        .group_by(PlacementRequest.facility_id)
    )
    if excluding is not None:
        held_query = held_query.where(PlacementRequest.id != excluding)
    held = dict((await session.exec(held_query)).all())
    facts = [
        FacilityFacts(
            id=facility.id,
            centre=facility.centre,
            region=frozenset(facility.region),
            unit_type=facility.unit_type,
            free=max(facility.capacity - facility.occupied - held.get(facility.id, 0), 0),
            accepts=frozenset(facility.accepts),
        )
        for facility in facilities
    ]
    return {facility.id: facility for facility in facilities}, facts


async def regions(session: AsyncSession) -> dict[str, frozenset[str]]:
    """Centre municipality -> the municipality codes of its region, as the facilities declare them."""
    found: dict[str, set[str]] = {}
    for facility in (await session.exec(select(Facility))).all():
        found.setdefault(facility.centre, set()).update(facility.region)
    return {centre: frozenset(codes) for centre, codes in found.items()}


async def declined_facilities(session: AsyncSession, request_ids: Iterable[UUID]) -> dict[UUID, frozenset[str]]:
    ids = list(request_ids)
    if not ids:
        return {}
    rows = (await session.exec(select(Decline.request_id, Decline.facility_id).where(col(Decline.request_id).in_(ids)))).all()
    found: dict[UUID, set[str]] = {}
    for request_id, facility_id in rows:
        found.setdefault(request_id, set()).add(facility_id)
    return {request_id: frozenset(facilities) for request_id, facilities in found.items()}


async def waitlisted(session: AsyncSession, *, centres: Iterable[str] | None = None) -> list[PlacementRequest]:
    query = select(PlacementRequest).where(PlacementRequest.status == RequestStatus.WAITLISTED).execution_options(populate_existing=True)
    if centres is not None:
        query = query.where(col(PlacementRequest.centre).in_(list(centres)))
    return list((await session.exec(query)).all())


def waiting_family(request: PlacementRequest, declined: frozenset[str] = frozenset()) -> WaitingFamily:
    return WaitingFamily(
        request_id=request.id,
        minors=len(request.children_ages),
        crisis=request.need == PlacementNeed.CRISIS,
        waiting_since=request.created_at,
        centre=request.centre,
        family_type=request.family_type,
        municipality_code=request.municipality_code,
        declined=declined,
    )


async def waiting_families(session: AsyncSession) -> tuple[dict[UUID, PlacementRequest], list[WaitingFamily]]:
    requests = await waitlisted(session)
    declined = await declined_facilities(session, (request.id for request in requests))
    families = [waiting_family(request, declined.get(request.id, frozenset())) for request in requests]
    return {request.id: request for request in requests}, families


async def positions_in(session: AsyncSession, centres: Iterable[str]) -> tuple[list[PlacementRequest], dict[UUID, int]]:
    """The waitlisted requests of these centres and each one's position on its centre's list."""
    requests = await waitlisted(session, centres=centres)
    return requests, positions(waiting_family(request) for request in requests)


async def position_of(session: AsyncSession, request: PlacementRequest) -> int | None:
    if request.status != RequestStatus.WAITLISTED or request.centre is None:
        return None
    _, found = await positions_in(session, [request.centre])
    return found.get(request.id)


async def alternatives_of(session: AsyncSession, request_id: UUID) -> list[Alternative]:
    query = select(Alternative).where(Alternative.request_id == request_id).order_by(col(Alternative.at), col(Alternative.id))
    return list((await session.exec(query)).all())
