"""Every family stays in view: where a waitlisted family, or the part of a family a shelter
did not admit (partly placed), stays meanwhile (GGD records an alternative), the alert when
nobody reported on them for too long (domain/lost_from_view.py), and where a family went
when it left the shelter (outflow)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.placement import (
    AlternativeKind,
    Outflow,
    PlacementEnded,
    PlacementLostFromView,
    PlacementWaitlisted,
    WaitlistReason,
)
from shared.errors import Conflict, FieldConflict, NotFound
from shared.runtime import Runtime
from services.placement import queries
from services.placement.domain.lost_from_view import days_without_update, is_lost_from_view, silence_cutoff
from services.placement.domain.request_status import IN_SHELTER, KEPT_IN_VIEW, RequestStatus
from services.placement.moves import move
from services.placement.news import tell
from services.placement.offers import fill_from_waitlist
from services.placement.tables import Alternative, Facility, PlacementRequest

LOST_FROM_VIEW_BATCH = 200


async def record_alternative(runtime: Runtime, request_id: UUID, ggd: str, kind: AlternativeKind, note: str) -> PlacementRequest:
    """Where a waitlisted family (or the persons a shelter did not admit) stays meanwhile.
    Counts as an update; the family stays on the list (or the request stays partly placed)."""
    async with runtime.sessions() as session, session.begin():
        request = await session.get(PlacementRequest, request_id)
        if request is None or request.requested_by != ggd:
            raise NotFound("no such request")
        status = request.status
        if status not in KEPT_IN_VIEW:
            raise FieldConflict(
                "status", f"this request is {status}; alternatives are recorded while waitlisted or partly placed", "request"
            )
        now = runtime.clock.now()
        if not await move(session, request.id, status, status, updated_at=now, last_update_at=now):
            raise FieldConflict("status", f"this request has just stopped being {status}", "request")
        session.add(Alternative(request_id=request.id, kind=kind, note=note, recorded_by=ggd, at=now))
        if status == RequestStatus.WAITLISTED:  # partly placed: the GGD's own record, no news for anyone else
            reason = WaitlistReason.ALTERNATIVE_RECORDED
            tell(runtime, session, request, PlacementWaitlisted, reason=reason, out_of_region=request.out_of_region, alternative=kind)
    runtime.relay.wake()
    return request


async def end(runtime: Runtime, request_id: UUID, shelter: str, outflow: Outflow) -> PlacementRequest:
    """The family leaves the shelter: outflow recorded, the unit freed and offered to the waiting list."""
    async with runtime.sessions() as session, session.begin():
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        if request is None or facility is None or facility.shelter != shelter:  # shared.entitlement: its own shelter
            raise NotFound("no such request")
        if request.status not in IN_SHELTER:
            raise Conflict(f"this request is {request.status}, not placed")
        now = runtime.clock.now()
        moved = await move(
            session,
            request.id,
            request.status,
            RequestStatus.ENDED,
            outflow=outflow,
            ended_at=now,
            updated_at=now,
            last_update_at=now,
        )
        if not moved:
            raise Conflict("this placement has already ended")
        await session.exec(
            update(Facility).where(col(Facility.id) == facility.id, col(Facility.occupied) > 0).values(occupied=Facility.occupied - 1)
        )
        tell(runtime, session, request, PlacementEnded, shelter=facility.shelter, outflow=outflow, facility=facility.name)
        await fill_from_waitlist(runtime, session, now)
    runtime.relay.wake()
    return request


def _not_yet_alerted():
    """This silence has not been reported: never alerted, or updated since the last alert."""
    return or_(
        col(PlacementRequest.lost_from_view_at).is_(None),
        col(PlacementRequest.lost_from_view_at) < col(PlacementRequest.last_update_at),
    )


async def check_lost_from_view(runtime: Runtime, now: datetime) -> int:
    """Timer check: alert GGD once per silence about waiting families (or persons not admitted) nobody reported on."""
    days = runtime.settings.lost_from_view_days
    cutoff = silence_cutoff(now, days)
    fired = 0
    async with runtime.sessions() as session, session.begin():
        due = (
            await session.exec(
                select(PlacementRequest)
                .where(col(PlacementRequest.status).in_(KEPT_IN_VIEW), col(PlacementRequest.last_update_at) <= cutoff)
                .where(_not_yet_alerted())
                .order_by(col(PlacementRequest.last_update_at))
                .limit(LOST_FROM_VIEW_BATCH)
            )
        ).all()
        for request in due:
            if not is_lost_from_view(request.status, request.last_update_at, request.lost_from_view_at, now, days):
                continue
            if await _claim(session, request, cutoff, now):
                await _alert(runtime, session, request, now)
                fired += 1
    if fired:
        runtime.relay.wake()
    return fired


async def _claim(session: AsyncSession, request: PlacementRequest, cutoff: datetime, now: datetime) -> bool:
    """Mark this silence as alerted, unless another replica alerted, or GGD reported just now."""
    claimed = await session.exec(
        update(PlacementRequest)
        .where(
            col(PlacementRequest.id) == request.id,
            col(PlacementRequest.status).in_(KEPT_IN_VIEW),
            col(PlacementRequest.last_update_at) <= cutoff,
            _not_yet_alerted(),
        )
        .values(lost_from_view_at=now)
    )
    return claimed.rowcount == 1


async def _alert(runtime: Runtime, session: AsyncSession, request: PlacementRequest, now: datetime) -> None:
    alternatives = await queries.alternatives_of(session, request.id)
    tell(
        runtime,
        session,
        request,
        PlacementLostFromView,
        days_without_update=days_without_update(request.last_update_at, now),
        last_alternative=alternatives[-1].kind if alternatives else None,
    )
