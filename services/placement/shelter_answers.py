"""The shelter answers an offer: it confirms a unit for the family (or for the part of it
it admits: partly placed, domain/admission.py), or declines with a reason. Confirming
sets the day the trajectory plan is due (T14, domain/trajectory_plan.py).

The last free unit goes to exactly one family: confirming takes a unit with a
conditional UPDATE that succeeds for one transaction only, whatever the concurrency.
A family whose unit was gone at confirmation, or whose offer was declined, is matched
again (offered elsewhere or waitlisted), and a declined offer's unit goes to the list.
"""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.placement import DeclineReason, PlacementConfirmed, PlacementDeclined
from shared.errors import Conflict, FieldConflict, NotFound
from shared.runtime import Runtime
from services.placement.domain.admission import Admission, AdmissionProblem, admission
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.trajectory_plan import plan_due_on
from services.placement.moves import move
from services.placement.news import tell
from services.placement.offers import fill_from_waitlist, match_again, offer_or_waitlist
from services.placement.tables import Decline, Facility, PlacementRequest


class NoUnitLeft(Conflict):
    def __init__(self, facility_id: str):
        super().__init__("no free unit left in this facility")
        self.facility_id = facility_id


async def confirm(runtime: Runtime, request_id: UUID, shelter: str, adults: int | None = None, children: int | None = None) -> PlacementRequest:
    """Take a unit for the family (or the part of it admitted: `adults`, `children`; None: all) and
    hand the case lead to the shelter. NoUnitLeft: matched again. FieldConflict: counts that do not fit."""
    try:
        async with runtime.sessions() as session, session.begin():
            request, facility = await _offered_to(session, request_id, shelter)
            admitted = _admission(request, adults, children)
            await _take_unit(session, facility)
            now = runtime.clock.now()
            due_on = plan_due_on(now, runtime.settings.trajectory_plan_days)
            target = RequestStatus.PARTLY_PLACED if admitted.partial else RequestStatus.PLACED
            placed = await move(
                session, request.id, RequestStatus.OFFERED, target, at_facility=facility.id, updated_at=now, last_update_at=now,
                placed_at=now, adults_admitted=admitted.adults_admitted, children_admitted=admitted.children_admitted,
                plan_due_on=due_on,
            )  # fmt: skip
            if not placed:
                raise Conflict("this request is no longer open")
            tell(
                runtime, session, request, PlacementConfirmed, shelter=facility.shelter, facility=facility.name,
                unit_type=facility.unit_type, case_lead=facility.shelter, partial=admitted.partial,
                plan_due_on=due_on, **asdict(admitted),
            )  # fmt: skip
    except NoUnitLeft as full:
        await match_again(runtime, request_id, full.facility_id)
        raise
    runtime.relay.wake()
    return request


def _admission(request: PlacementRequest, adults: int | None, children: int | None) -> Admission:
    try:
        return admission(request.adults, len(request.children_ages), adults, children)
    except AdmissionProblem as problem:
        raise FieldConflict(problem.field, str(problem)) from None


async def decline(runtime: Runtime, request_id: UUID, shelter: str, reason: str, code: DeclineReason = DeclineReason.OTHER) -> PlacementRequest:
    """The family is offered elsewhere or waitlisted; the unit the offer held goes to the waiting list.
    The shelter's own words (`reason`) stay here; the event says the `code`."""
    async with runtime.sessions() as session, session.begin():
        request, facility = await _offered_to(session, request_id, shelter)
        now = runtime.clock.now()
        if not await move(session, request.id, RequestStatus.OFFERED, RequestStatus.NEW, at_facility=facility.id):
            raise Conflict("this request is no longer open")
        session.add(Decline(request_id=request.id, facility_id=facility.id, reason=reason, code=code, at=now))
        tell(runtime, session, request, PlacementDeclined, shelter=facility.shelter, facility=facility.name, reason_code=code)
        await session.flush()
        await offer_or_waitlist(runtime, session, request, now)
        await fill_from_waitlist(runtime, session, now)  # the unit this offer held is free again
    runtime.relay.wake()
    return request


async def _offered_to(session: AsyncSession, request_id: UUID, shelter: str) -> tuple[PlacementRequest, Facility]:
    """The request and the facility it is offered at, if that is this shelter's (shared.entitlement: its own shelter)."""
    request = await session.get(PlacementRequest, request_id)
    facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
    if request is None or facility is None or facility.shelter != shelter:
        raise NotFound("no such request")
    if request.status != RequestStatus.OFFERED:
        raise Conflict(f"this request is {request.status}, not offered")
    return request, facility


async def _take_unit(session: AsyncSession, facility: Facility) -> None:
    """One unit of the facility, if one is still free (one transaction wins the last one)."""
    taken = await session.exec(
        update(Facility)
        .where(col(Facility.id) == facility.id, col(Facility.occupied) < col(Facility.capacity))
        .values(occupied=Facility.occupied + 1)
    )
    if taken.rowcount != 1:
        raise NoUnitLeft(facility.id)
