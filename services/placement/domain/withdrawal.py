"""What a withdrawn request means in each status (triage withdraws it when the
eviction was reversed). Pure: services/placement/withdrawals.py applies it."""

from __future__ import annotations

from shared.contracts.events.placement import WithdrawalOutcome
from services.placement.domain.request_status import IN_SHELTER, RequestStatus

_BY_STATUS = {
    RequestStatus.WAITLISTED: WithdrawalOutcome.WITHDRAWN,  # off the list; the families behind it move up
    RequestStatus.OFFERED: WithdrawalOutcome.WITHDRAWN,  # the offer ends; its unit is free again
    RequestStatus.PLACED: WithdrawalOutcome.TOO_LATE,  # the family lives there now: never undone from afar
    RequestStatus.PARTLY_PLACED: WithdrawalOutcome.TOO_LATE,  # so does the part of it that was admitted
}


def withdrawal_outcome(status: RequestStatus) -> WithdrawalOutcome | None:
    """None: nothing to withdraw (the placement ended, or it was withdrawn before)."""
    return _BY_STATUS.get(status)


def shelter_involved(status_before: RequestStatus, shelter: str | None) -> str | None:
    """The shelter to tell: the one the family was offered to or placed with, if any."""
    return shelter if status_before in (RequestStatus.OFFERED, *IN_SHELTER) else None


def frees_a_unit(outcome: WithdrawalOutcome, status_before: RequestStatus) -> bool:
    """A withdrawn offer gives its held unit back, to the next family on the list."""
    return outcome is WithdrawalOutcome.WITHDRAWN and status_before == RequestStatus.OFFERED
