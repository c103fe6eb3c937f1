"""Requests in, offers out; a shelter confirms, declines or ends a placement.

The last free unit goes to exactly one family: capacity is taken with a
conditional UPDATE that succeeds for one transaction only, whatever the
concurrency. Every status change is a conditional UPDATE from the status the
caller saw, so two actors never both move one request. Whenever a unit frees up
(a placement ends, a shelter adds capacity, an offer is declined) the waiting
list is matched again in priority order (domain/waitlist.py), in the same
transaction as the change that freed it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event
from shared.contracts.events.placement import (
    AlternativeKind,
    Outflow,
    PlacementConfirmed,
    PlacementDeclined,
    PlacementEnded,
    PlacementLostFromView,
    PlacementOffered,
    PlacementWaitlisted,
    PlacementWithdrawalHandled,
    WithdrawalOutcome,
)
from shared.contracts.events.triage import HouseholdAssessed, PlacementRequested, PlacementWithdrawn
from shared.entitlement import may_name_case_in_request
from shared.contracts.events.triage import PlacementRequested, PlacementWithdrawn
from shared.persistence.leader import wait_to_lead
from shared.runtime import Runtime
from services.placement import store
from services.placement.domain.lost_from_view import days_without_update, is_lost_from_view, silence_cutoff
from services.placement.domain.matching import best_match
from services.placement.domain.registry import waitlist_centre
from services.placement.domain.waitlist import plan_offers
from services.placement.domain.withdrawal import withdrawal_outcome
from services.placement.store import ENDED, OFFERED, OPEN, PLACED, WAITLISTED, WITHDRAWN
from services.placement.tables import Alternative, CaseRegion, Decline, Facility, PlacementRequest, Withdrawal

log = logging.getLogger(__name__)
NEW = "new"  # only inside the transaction that (re)matches a request
LOST_FROM_VIEW_BATCH = 200
FILL_ATTEMPTS = 5


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass


class FieldConflict(Conflict):
    """Well-formed, but one field clashes with the current state: of the body sent,
    or (location "request") of the placement request it is about."""

    def __init__(self, field: str, message: str, location: str = "body"):
        super().__init__(message)
        self.field = field
        self.location = location


class NoUnitLeft(Conflict):
    def __init__(self, facility_id: str):
        super().__init__("no free unit left in this facility")
        self.facility_id = facility_id


@dataclass(frozen=True)
class Composition:
    """What a request says about the family: composition and need, never who they are."""

    adults: int
    children_ages: tuple[int, ...]
    family_type: str
    need: str
    municipality_code: str
    reason: str


class PlacementWorkflow:
    def __init__(self, runtime: Runtime):
        self._runtime = runtime

    # --- requests -------------------------------------------------------------------------------

    async def on_requested(self, session: AsyncSession, event: Event) -> None:
        """A request from triage (Kafka), in the consumer's transaction."""
        data: PlacementRequested = event.data
        if await session.get(PlacementRequest, data.request_id) is not None:
            return  # a request GGD made over HTTP, published by this service for the record
        family = Composition(
            adults=data.adults,
            children_ages=tuple(data.children_ages),
            family_type=data.family_type.value,
            need=data.need.value,
            municipality_code=data.municipality_code,
            reason=data.reason,
        )
        await self._create(session, data.request_id, event.subject, data.requested_by, family)

    async def on_case_assessed(self, session: AsyncSession, event: Event) -> None:
        """Remember the municipality of a triage case (topic `triage`): whose region it is."""
        data: HouseholdAssessed = event.data
        if await session.get(CaseRegion, event.subject) is None:
            session.add(CaseRegion(case_key=event.subject, municipality_code=data.municipality_code))

    async def on_withdrawn(self, session: AsyncSession, event: Event) -> None:
        """Triage withdrew a request (the eviction was reversed), in the consumer's transaction.

        Waitlisted: off the list, so the families behind it move up. Offered: the
        offer ends and its unit goes back to capacity (and to the next family).
        Placed: too late; the placement stands, and the withdrawal is recorded and
        told to the shelter and GGD. Ended, or withdrawn before: nothing to do."""
        data: PlacementWithdrawn = event.data
        request = await session.get(PlacementRequest, data.request_id)
        if request is None or await session.get(Withdrawal, data.request_id) is not None:
            log.info("withdrawal of request %s: unknown or handled before", data.request_id)
            return
        outcome = withdrawal_outcome(request.status)
        if outcome is None:
            log.info("withdrawal of request %s: already %s, nothing to do", request.id, request.status)
            return
        now = self._runtime.clock.now()
        status_before, facility_id = request.status, request.facility_id
        if outcome is WithdrawalOutcome.WITHDRAWN:
            moved = await self._move(session, request.id, status_before, status=WITHDRAWN, updated_at=now, last_update_at=now)
            if not moved:
                raise Conflict("the request changed while it was being withdrawn; retried")
        facility = await session.get(Facility, facility_id) if facility_id else None
        session.add(Withdrawal(
            request_id=request.id, reason=data.reason.value, status_before=status_before,
            outcome=outcome.value, facility_id=facility_id, at=now,
        ))  # fmt: skip
        shelter = facility.shelter if facility is not None and status_before in (OFFERED, PLACED) else None
        self._runtime.emit(
            session,
            PlacementWithdrawalHandled(
                **self._about(request),
                outcome=outcome,
                status_before=status_before,
                reason=data.reason.value,
                shelter=shelter,
                facility=facility.name if shelter else None,
                also_notify=[shelter] if shelter and shelter != request.requested_by else [],
            ),
            subject=request.case_key,
        )
        if outcome is WithdrawalOutcome.WITHDRAWN and status_before == OFFERED:
            await self._fill_from_waitlist(session, now)  # the unit the offer held is free again

    async def request(self, requested_by: str, family: Composition, case_key: str | None) -> PlacementRequest:
        """A request GGD makes over HTTP: the same path as one from triage.

        With a triage case key the events join that case; without one the
        request gets its own pseudonym, so events still carry no identity.
        Raises NotFound for a case outside the GGD's region (or unknown), before
        anything about it is looked up."""
        async with self._runtime.sessions() as session, session.begin():
            if case_key is not None:
                region = await session.get(CaseRegion, case_key)
                requester = self._runtime.organisations.get(requested_by)
                if requester is None or not may_name_case_in_request(requester, region and region.municipality_code):
                    raise NotFound("no such case")
                open_request = (
                    await session.exec(
                        select(PlacementRequest.id).where(
                            PlacementRequest.case_key == case_key, col(PlacementRequest.status).in_(OPEN)
                        )
                    )
                ).first()
                if open_request is not None:
                    raise FieldConflict("case_key", "this case already has an open placement request")
            request = await self._create(session, uuid4(), case_key or f"pr-{uuid4().hex}", requested_by, family)
            # Published like triage's requests, so the monitor counts every request the chain saw.
            self._runtime.emit(
                session,
                PlacementRequested(
                    request_id=request.id,
                    requested_by=requested_by,
                    adults=family.adults,
                    children_ages=list(family.children_ages),
                    family_type=family.family_type,
                    need=family.need,
                    municipality_code=family.municipality_code,
                    reason=family.reason,
                ),
                subject=request.case_key,
            )
        self._runtime.relay.wake()
        return request

    async def _create(
        self, session: AsyncSession, request_id: UUID, case_key: str, requested_by: str, family: Composition
    ) -> PlacementRequest:
        now = self._runtime.clock.now()
        requester = self._runtime.organisations.get(requested_by)
        centre, out_of_region = waitlist_centre(
            family.municipality_code, requester.municipality_codes if requester else [], await store.regions(session)
        )
        request = PlacementRequest(
            id=request_id,
            case_key=case_key,
            requested_by=requested_by,
            adults=family.adults,
            children_ages=list(family.children_ages),
            family_type=family.family_type,
            need=family.need,
            municipality_code=family.municipality_code,
            reason=family.reason,
            status=NEW,
            centre=centre,
            out_of_region=out_of_region,
            created_at=now,
            updated_at=now,
            last_update_at=now,
        )
        session.add(request)
        await self._offer_or_waitlist(session, request, now)
        return request

    # --- the shelter's decisions -----------------------------------------------------------------

    async def confirm(self, request_id: UUID, shelter: str) -> PlacementRequest:
        try:
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
                    raise NoUnitLeft(facility.id)
                placed = await self._move(
                    session, request.id, OFFERED, at_facility=facility.id, status=PLACED, updated_at=now, last_update_at=now
                )
                if not placed:
                    raise Conflict("this request is no longer open")
                self._runtime.emit(
                    session,
                    PlacementConfirmed(
                        **self._about(request),
                        shelter=facility.shelter,
                        facility=facility.name,
                        unit_type=facility.unit_type,
                        case_lead=facility.shelter,
                    ),
                    subject=request.case_key,
                )
        except NoUnitLeft as full:
            await self._match_again(request_id, full.facility_id)
            raise
        self._runtime.relay.wake()
        return request

    async def decline(self, request_id: UUID, shelter: str, reason: str) -> PlacementRequest:
        async with self._runtime.sessions() as session, session.begin():
            request = await self._offered_to(session, request_id, shelter)
            facility = await session.get(Facility, request.facility_id)
            now = self._runtime.clock.now()
            if not await self._move(session, request.id, OFFERED, at_facility=facility.id, status=NEW):
                raise Conflict("this request is no longer open")
            session.add(Decline(request_id=request.id, facility_id=facility.id, reason=reason, at=now))
            self._runtime.emit(
                session,
                PlacementDeclined(**self._about(request), shelter=facility.shelter, facility=facility.name, reason=reason),
                subject=request.case_key,
            )
            await session.flush()
            await self._offer_or_waitlist(session, request, now)
            await self._fill_from_waitlist(session, now)  # the unit this offer held is free again
        self._runtime.relay.wake()
        return request

    async def end(self, request_id: UUID, shelter: str, outflow: Outflow) -> PlacementRequest:
        """The family leaves the shelter: outflow recorded, the unit freed and offered to the waiting list."""
        async with self._runtime.sessions() as session, session.begin():
            request = await session.get(PlacementRequest, request_id)
            facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
            if request is None or facility is None or facility.shelter != shelter:  # shared.entitlement: its own shelter
                raise NotFound("no such request")
            if request.status != PLACED:
                raise Conflict(f"this request is {request.status}, not placed")
            now = self._runtime.clock.now()
            moved = await self._move(
                session, request.id, PLACED, status=ENDED, outflow=outflow.value, ended_at=now, updated_at=now, last_update_at=now
            )
            if not moved:
                raise Conflict("this placement has already ended")
            await session.exec(
                update(Facility)
                .where(col(Facility.id) == facility.id, col(Facility.occupied) > 0)
                .values(occupied=Facility.occupied - 1)
            )
            self._runtime.emit(
                session,
                PlacementEnded(**self._about(request), shelter=facility.shelter, outflow=outflow, facility=facility.name),
                subject=request.case_key,
            )
            await self._fill_from_waitlist(session, now)
        self._runtime.relay.wake()
        return request

    async def update_capacity(self, facility_id: str, shelter: str, capacity: int) -> Facility:
        """A shelter states its capacity; never below the units occupied now (checked in the UPDATE itself)."""
        async with self._runtime.sessions() as session, session.begin():
            facility = await session.get(Facility, facility_id)
            if facility is None or facility.shelter != shelter:
                raise NotFound("no such facility")
            changed = await session.exec(
                update(Facility)
                .where(col(Facility.id) == facility_id, col(Facility.occupied) <= capacity)
                .values(capacity=capacity)
            )
            if changed.rowcount != 1:
                await session.refresh(facility)
                raise FieldConflict("capacity", f"capacity {capacity} is below the {facility.occupied} units occupied")
            await self._fill_from_waitlist(session, self._runtime.clock.now())
            await session.refresh(facility)
        self._runtime.relay.wake()
        return facility

    # --- GGD keeps the family in view ------------------------------------------------------------

    async def record_alternative(
        self, request_id: UUID, ggd: str, kind: AlternativeKind, note: str
    ) -> PlacementRequest:
        """Where a waitlisted family stays meanwhile. Counts as an update; the family stays on the list."""
        async with self._runtime.sessions() as session, session.begin():
            request = await session.get(PlacementRequest, request_id)
            if request is None or request.requested_by != ggd:
                raise NotFound("no such request")
            if request.status != WAITLISTED:
                raise FieldConflict(
                    "status", f"this request is {request.status}; alternatives are recorded while waitlisted", "request"
                )
            now = self._runtime.clock.now()
            if not await self._move(session, request.id, WAITLISTED, updated_at=now, last_update_at=now):
                raise FieldConflict("status", "this request has just left the waiting list", "request")
            session.add(Alternative(request_id=request.id, kind=kind.value, note=note, recorded_by=ggd, at=now))
            self._runtime.emit(
                session,
                PlacementWaitlisted(
                    **self._about(request),
                    reason="alternative_recorded",
                    out_of_region=request.out_of_region,
                    alternative=kind,
                ),
                subject=request.case_key,
            )
        self._runtime.relay.wake()
        return request

    async def check_lost_from_view(self, now: datetime) -> int:
        """Timer check: alert GGD once per silence about waitlisted families nobody reported on."""
        days = self._runtime.settings.lost_from_view_days
        cutoff = silence_cutoff(now, days)
        not_yet_alerted = or_(
            col(PlacementRequest.lost_from_view_at).is_(None),
            col(PlacementRequest.lost_from_view_at) < col(PlacementRequest.last_update_at),
        )
        fired = 0
        async with self._runtime.sessions() as session, session.begin():
            due = (
                await session.exec(
                    select(PlacementRequest)
                    .where(PlacementRequest.status == WAITLISTED, col(PlacementRequest.last_update_at) <= cutoff, not_yet_alerted)
                    .order_by(col(PlacementRequest.last_update_at))
                    .limit(LOST_FROM_VIEW_BATCH)
                )
            ).all()
            for request in due:
                silent_since = request.last_update_at
                if not is_lost_from_view(request.status, silent_since, request.lost_from_view_at, now, days):
                    continue
                claimed = await session.exec(
                    update(PlacementRequest)
                    .where(
                        col(PlacementRequest.id) == request.id,
                        PlacementRequest.status == WAITLISTED,
                        col(PlacementRequest.last_update_at) <= cutoff,
                        not_yet_alerted,
                    )
                    .values(lost_from_view_at=now)
                )
                if claimed.rowcount != 1:
                    continue  # another replica alerted, or GGD reported just now
                alternatives = await store.alternatives_of(session, request.id)
                self._runtime.emit(
                    session,
                    PlacementLostFromView(
                        **self._about(request),
                        days_without_update=days_without_update(silent_since, now),
                        last_alternative=AlternativeKind(alternatives[-1].kind) if alternatives else None,
                    ),
                    subject=request.case_key,
                )
                fired += 1
        if fired:
            self._runtime.relay.wake()
        return fired

    # --- matching --------------------------------------------------------------------------------

    async def _offer_or_waitlist(self, session: AsyncSession, request: PlacementRequest, now: datetime) -> None:
        """Match one request (new, or back from an offer): offer the best facility or put it on the list."""
        facilities, facts = await store.facilities_with_facts(session, excluding=request.id)
        declined = (await store.declined_facilities(session, [request.id])).get(request.id, frozenset())
        match = best_match(request.family_type, request.municipality_code, facts, declined)
        request.updated_at = request.last_update_at = now
        if match is None:
            request.status, request.facility_id = WAITLISTED, None
            request.out_of_region = await self._out_of_waitlist_region(session, request)
            session.add(request)
            reason = "no free unit for this family type" + (" (declined elsewhere)" if declined else "")
            self._runtime.emit(
                session,
                PlacementWaitlisted(**self._about(request), reason=reason, out_of_region=request.out_of_region),
                subject=request.case_key,
            )
            return
        facility = facilities[match.facility_id]
        request.status, request.facility_id, request.out_of_region = OFFERED, facility.id, match.out_of_region
        session.add(request)
        self._emit_offer(session, request, facility, match.out_of_region)

    async def _fill_from_waitlist(self, session: AsyncSession, now: datetime) -> int:
        """Offer free units to the waiting list in priority order. Returns how many offers were made.

        When a concurrent transaction offered one of the planned families first,
        plan again on what it committed, so the unit freed here is not left idle."""
        await session.flush()
        offered = 0
        for _attempt in range(FILL_ATTEMPTS):
            facilities, facts = await store.facilities_with_facts(session)
            requests, families = await store.waiting_families(session)
            raced = False
            for request_id, match in plan_offers(families, facts):
                moved = await self._move(
                    session,
                    request_id,
                    WAITLISTED,
                    status=OFFERED,
                    facility_id=match.facility_id,
                    out_of_region=match.out_of_region,
                    updated_at=now,
                    last_update_at=now,
                )
                if not moved:
                    raced = True
                    continue
                self._emit_offer(session, requests[request_id], facilities[match.facility_id], match.out_of_region)
                offered += 1
            if not raced:
                break
        return offered

    async def reconcile(self, now: datetime) -> int:
        """Timer check: offer any unit that is free while an eligible family waits.

        Each change that frees a unit fills the list in its own transaction; this
        sweep catches what two concurrent transactions could each not see."""
        async with self._runtime.sessions() as session, session.begin():
            offered = await self._fill_from_waitlist(session, now)
        if offered:
            self._runtime.relay.wake()
        return offered

    async def tick(self, now: datetime) -> int:
        """What the timer worker runs: the lost-from-view rule, then the waiting-list sweep."""
        return await self.check_lost_from_view(now) + await self.reconcile(now)

    async def _match_again(self, request_id: UUID, facility_id: str) -> None:
        """An offer whose unit was gone at confirmation goes back to matching, so the family is not stranded."""
        async with self._runtime.sessions() as session, session.begin():
            if not await self._move(session, request_id, OFFERED, at_facility=facility_id, status=NEW):
                return
            request = await session.get(PlacementRequest, request_id)
            await self._offer_or_waitlist(session, request, self._runtime.clock.now())
        self._runtime.relay.wake()

    async def _move(
        self, session: AsyncSession, request_id: UUID, expected: str, *, at_facility: str | None = None, **values
    ) -> bool:
        """Change a request only if it is still in the status (and at the facility) the caller saw."""
        query = update(PlacementRequest).where(col(PlacementRequest.id) == request_id, PlacementRequest.status == expected)
        if at_facility is not None:
            query = query.where(PlacementRequest.facility_id == at_facility)
        result = await session.exec(query.values(**values))
        return result.rowcount == 1

    async def _out_of_waitlist_region(self, session: AsyncSession, request: PlacementRequest) -> bool:
        if request.centre is None:
            return True
        region = (await store.regions(session)).get(request.centre, frozenset())
        return request.municipality_code not in region

    async def _offered_to(self, session: AsyncSession, request_id: UUID, shelter: str) -> PlacementRequest:
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        if request is None or facility is None or facility.shelter != shelter:
            raise NotFound("no such request")
        if request.status != OFFERED:
            raise Conflict(f"this request is {request.status}, not offered")
        return request

    def _emit_offer(self, session: AsyncSession, request: PlacementRequest, facility: Facility, out_of_region: bool) -> None:
        self._runtime.emit(
            session,
            PlacementOffered(
                **{**self._about(request), "recipient": facility.shelter},
                shelter=facility.shelter,
                facility=facility.name,
                unit_type=facility.unit_type,
                out_of_region=out_of_region,
            ),
            subject=request.case_key,
        )

    @staticmethod
    def _about(request: PlacementRequest) -> dict:
        """The routing facts every placement event carries; GGD that asked is told unless said otherwise."""
        return {
            "request_id": request.id,
            "recipient": request.requested_by,
            "requested_by": request.requested_by,
            "municipality_code": request.municipality_code,
        }


async def seed_facilities(runtime: Runtime, path) -> int:
    """Load the seed facilities once; an existing facility keeps its live capacity.
    Two instances starting at once take turns: the second finds the first's rows."""
    document = json.loads(path.read_text())
    regions = document["regions"]
    added = 0
    async with runtime.sessions() as session, session.begin():
        await wait_to_lead(session, "placement-seed")
        for item in document["facilities"]:
            if await session.get(Facility, item["id"]) is not None:
                continue
            session.add(Facility(region=regions[item["centre"]], **item))
            added += 1
    return added
