"""Requests in, offers out; a shelter confirms or declines. The last free unit
goes to exactly one family: capacity is taken with a conditional UPDATE that
succeeds for one transaction only, whatever the concurrency."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event
from shared.contracts.events.placement import (
    PlacementConfirmed,
    PlacementDeclined,
    PlacementOffered,
    PlacementWaitlisted,
)
from shared.contracts.events.triage import PlacementRequested
from shared.runtime import Runtime
from services.placement.domain.matching import FacilityFacts, best_match
from services.placement.tables import Decline, Facility, PlacementRequest


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass


class PlacementWorkflow:
    def __init__(self, runtime: Runtime):
        self._runtime = runtime

    async def on_requested(self, session: AsyncSession, event: Event) -> None:
        data: PlacementRequested = event.data
        now = self._runtime.clock.now()
        request = PlacementRequest(
            id=data.request_id,
            case_key=event.subject,
            requested_by=data.requested_by,
            adults=data.adults,
            children_ages=list(data.children_ages),
            family_type=data.family_type.value,
            need=data.need.value,
            municipality_code=data.municipality_code,
            reason=data.reason,
            status="new",
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        await self._offer_or_waitlist(session, request, now)

    async def confirm(self, request_id: UUID, shelter: str) -> PlacementRequest:
        async with self._runtime.sessions() as session, session.begin():
            request = await self._offered_to(session, request_id, shelter)
            facility = await session.get(Facility, request.facility_id)
            now = self._runtime.clock.now()
            taken = await session.exec(
                update(Facility)
                .where(col(Facility.id) == facility.id, col(Facility.occupied) < col(Facility.capacity))
                .values(occupied=Facility.occupied + 1)
            )
            if taken.rowcount != 1:
                raise Conflict("no free unit left in this facility")
            claimed = await session.exec(
                update(PlacementRequest)
                .where(col(PlacementRequest.id) == request.id, col(PlacementRequest.status) == "offered")
                .values(status="placed", updated_at=now)
            )
            if claimed.rowcount != 1:
                raise Conflict("this request is no longer open")
            self._runtime.emit(
                session,
                PlacementConfirmed(
                    request_id=request.id,
                    recipient=request.requested_by,
                    requested_by=request.requested_by,
                    municipality_code=request.municipality_code,
                    shelter=facility.shelter,
                    facility=facility.name,
                    unit_type=facility.unit_type,
                    case_lead=facility.shelter,
                ),
                subject=request.case_key,
            )
        self._runtime.relay.wake()
        request.status = "placed"
        return request

    async def decline(self, request_id: UUID, shelter: str, reason: str) -> PlacementRequest:
        async with self._runtime.sessions() as session, session.begin():
            request = await self._offered_to(session, request_id, shelter)
            facility = await session.get(Facility, request.facility_id)
            now = self._runtime.clock.now()
            session.add(Decline(request_id=request.id, facility_id=facility.id, reason=reason, at=now))
            self._runtime.emit(
                session,
                PlacementDeclined(
                    request_id=request.id,
                    recipient=request.requested_by,
                    requested_by=request.requested_by,
                    municipality_code=request.municipality_code,
                    shelter=facility.shelter,
                    facility=facility.name,
                    reason=reason,
                ),
                subject=request.case_key,
            )
            await session.flush()
            await self._offer_or_waitlist(session, request, now)
        self._runtime.relay.wake()
        return request

    async def _offered_to(self, session: AsyncSession, request_id: UUID, shelter: str) -> PlacementRequest:
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        if request is None or facility is None or facility.shelter != shelter:
            raise NotFound("no such request")
        if request.status != "offered":
            raise Conflict(f"this request is {request.status}, not offered")
        return request

    async def _offer_or_waitlist(self, session: AsyncSession, request: PlacementRequest, now: datetime) -> None:
        facilities = (await session.exec(select(Facility))).all()
        declined = frozenset(
            (await session.exec(select(Decline.facility_id).where(Decline.request_id == request.id))).all()
        )
        match = best_match(request.family_type, request.municipality_code, [_facts(f) for f in facilities], declined)
        request.updated_at = now
        if match is None:
            request.status, request.facility_id = "waitlisted", None
            session.add(request)
            self._runtime.emit(
                session,
                PlacementWaitlisted(
                    request_id=request.id,
                    recipient=request.requested_by,
                    requested_by=request.requested_by,
                    municipality_code=request.municipality_code,
                    reason="no free unit for this family type" + (" (declined elsewhere)" if declined else ""),
                ),
                subject=request.case_key,
            )
            return
        facility = next(f for f in facilities if f.id == match.facility_id)
        request.status, request.facility_id, request.out_of_region = "offered", facility.id, match.out_of_region
        session.add(request)
        self._runtime.emit(
            session,
            PlacementOffered(
                request_id=request.id,
                recipient=facility.shelter,
                requested_by=request.requested_by,
                municipality_code=request.municipality_code,
                shelter=facility.shelter,
                facility=facility.name,
                unit_type=facility.unit_type,
                out_of_region=match.out_of_region,
            ),
            subject=request.case_key,
        )


def _facts(facility: Facility) -> FacilityFacts:
    return FacilityFacts(
        id=facility.id,
        centre=facility.centre,
        region=frozenset(facility.region),
        unit_type=facility.unit_type,
        free=facility.capacity - facility.occupied,
        accepts=frozenset(facility.accepts),
    )


async def seed_facilities(runtime: Runtime, path) -> int:
    """Load the seed facilities once; an existing facility keeps its live capacity."""
    document = json.loads(path.read_text())
    regions = document["regions"]
    added = 0
    async with runtime.sessions() as session, session.begin():
        for item in document["facilities"]:
            if await session.get(Facility, item["id"]) is not None:
                continue
            session.add(Facility(region=regions[item["centre"]], **item))
            added += 1
    return added
