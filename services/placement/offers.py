"""Matching and the waiting list: offer a family the best free unit or put it on its
centre's list, and offer every unit that frees up to the list in priority order
(domain/matching.py, domain/waitlist.py), in the transaction of the change that freed it.

An open offer holds its unit until the shelter answers (services/placement/shelter_answers.py).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.placement import PlacementOffered, PlacementWaitlisted
from shared.runtime import Runtime
from services.placement import queries
from services.placement.domain.matching import best_match
from services.placement.domain.registry import out_of_waitlist_region
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.waitlist import plan_offers, waitlisted_because
from services.placement.moves import move, place
from services.placement.news import tell
from services.placement.tables import Facility, PlacementRequest

FILL_ATTEMPTS = 5


async def offer_or_waitlist(runtime: Runtime, session: AsyncSession, request: PlacementRequest, now: datetime) -> None:
    """Match one request (new, or back from an offer): offer the best facility or put it on the list."""
    facilities, facts = await queries.facilities_with_facts(session, excluding=request.id)
    declined = (await queries.declined_facilities(session, [request.id])).get(request.id, frozenset())
    match = best_match(request.family_type, request.municipality_code, facts, declined)
    request.updated_at = request.last_update_at = now
    if match is None:
        place(request, RequestStatus.WAITLISTED)
        request.facility_id = None
        request.out_of_region = out_of_waitlist_region(request.centre, request.municipality_code, await queries.regions(session))
        session.add(request)
        reason = waitlisted_because(declined_before=bool(declined))
        tell(runtime, session, request, PlacementWaitlisted, reason=reason, out_of_region=request.out_of_region)
        return
    place(request, RequestStatus.OFFERED)
    request.facility_id, request.out_of_region = match.facility_id, match.out_of_region
    session.add(request)
    offer(runtime, session, request, facilities[match.facility_id], match.out_of_region)


async def fill_from_waitlist(runtime: Runtime, session: AsyncSession, now: datetime) -> int:
    """Offer free units to the waiting list in priority order. Returns how many offers were made.

    When a concurrent transaction offered one of the planned families first,
    plan again on what it committed, so the unit freed here is not left idle."""
    await session.flush()
    offered = 0
    for _attempt in range(FILL_ATTEMPTS):
        facilities, facts = await queries.facilities_with_facts(session)
        requests, families = await queries.waiting_families(session)
        raced = False
        for request_id, match in plan_offers(families, facts):
            moved = await move(
                session,
                request_id,
                RequestStatus.WAITLISTED,
                RequestStatus.OFFERED,
                facility_id=match.facility_id,
                out_of_region=match.out_of_region,
                updated_at=now,
                last_update_at=now,
            )
            if not moved:
                raced = True
                continue
            offer(runtime, session, requests[request_id], facilities[match.facility_id], match.out_of_region)
            offered += 1
        if not raced:
            break
    return offered


async def reconcile(runtime: Runtime, now: datetime) -> int:
    """Timer check: offer any unit that is free while an eligible family waits.

    Each change that frees a unit fills the list in its own transaction; this
    sweep catches what two concurrent transactions could each not see."""
    async with runtime.sessions() as session, session.begin():
        offered = await fill_from_waitlist(runtime, session, now)
    if offered:
        runtime.relay.wake()
    return offered


async def match_again(runtime: Runtime, request_id: UUID, facility_id: str) -> None:
    """An offer whose unit was gone at confirmation goes back to matching, so the family is not stranded."""
    async with runtime.sessions() as session, session.begin():
        if not await move(session, request_id, RequestStatus.OFFERED, RequestStatus.NEW, at_facility=facility_id):
            return
        request = await session.get(PlacementRequest, request_id)
        await offer_or_waitlist(runtime, session, request, runtime.clock.now())
    runtime.relay.wake()


def offer(runtime: Runtime, session: AsyncSession, request: PlacementRequest, facility: Facility, out_of_region: bool) -> None:
    """Tell the shelter (not the GGD) that a unit of its facility is offered to this family."""
    tell(
        runtime,
        session,
        request,
        PlacementOffered,
        recipient=facility.shelter,
        shelter=facility.shelter,
        facility=facility.name,
        unit_type=facility.unit_type,
        out_of_region=out_of_region,
    )
