"""Triage withdraws a request when the eviction was reversed (domain/withdrawal.py says
what that means in each status). In the consumer's transaction.

Waitlisted: off the list, so the families behind it move up. Offered: the offer ends
and its unit goes back to capacity (and to the next family). Placed: too late; the
placement stands, and the withdrawal is recorded and told to the shelter and GGD.
Ended, or withdrawn before: nothing to do."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.placement import PlacementWithdrawalHandled, WithdrawalOutcome
from shared.contracts.events.triage import PlacementWithdrawn
from shared.errors import Conflict
from shared.runtime import Runtime
from services.placement.domain.request_status import RequestStatus
from services.placement.domain.withdrawal import frees_a_unit, shelter_involved, withdrawal_outcome
from services.placement.moves import move
from services.placement.news import tell
from services.placement.offers import fill_from_waitlist
from services.placement.tables import Facility, PlacementRequest, Withdrawal

log = logging.getLogger(__name__)


async def withdraw(runtime: Runtime, session: AsyncSession, data: PlacementWithdrawn) -> None:
    request = await session.get(PlacementRequest, data.request_id)
    if request is None or await session.get(Withdrawal, data.request_id) is not None:
        log.info("withdrawal of request %s: unknown or handled before", data.request_id)
        return
    outcome = withdrawal_outcome(request.status)
    if outcome is None:
        log.info("withdrawal of request %s: already %s, nothing to do", request.id, request.status)
        return
    now = runtime.clock.now()
    status_before, facility_id = request.status, request.facility_id
    if outcome is WithdrawalOutcome.WITHDRAWN:
        moved = await move(session, request.id, status_before, RequestStatus.WITHDRAWN, updated_at=now, last_update_at=now)
        if not moved:
            raise Conflict("the request changed while it was being withdrawn; retried")
    facility = await session.get(Facility, facility_id) if facility_id else None
    session.add(Withdrawal(
        request_id=request.id, reason=data.reason, status_before=status_before,
        outcome=outcome, facility_id=facility_id, at=now,
    ))  # fmt: skip
    shelter = shelter_involved(status_before, facility.shelter if facility is not None else None)
    tell(
        runtime,
        session,
        request,
        PlacementWithdrawalHandled,
        outcome=outcome,
        status_before=status_before,
        reason=data.reason,
        shelter=shelter,
        facility=facility.name if shelter else None,
        also_notify=[shelter] if shelter and shelter != request.requested_by else [],
    )
    if frees_a_unit(outcome, status_before):
        await fill_from_waitlist(runtime, session, now)  # the unit the offer held is free again
