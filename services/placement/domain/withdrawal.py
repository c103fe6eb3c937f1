"""What a withdrawn request means in each status (triage withdraws it when the
eviction was reversed). Pure: the workflow applies it."""

from __future__ import annotations

from shared.contracts.events.placement import WithdrawalOutcome

_BY_STATUS = {
    "waitlisted": WithdrawalOutcome.WITHDRAWN,  # off the list; the families behind it move up
    "offered": WithdrawalOutcome.WITHDRAWN,  # the offer ends; its unit is free again
    "placed": WithdrawalOutcome.TOO_LATE,  # the family lives there now: never undone from afar
}


def withdrawal_outcome(status: str) -> WithdrawalOutcome | None:
    """None: nothing to withdraw (the placement ended, or it was withdrawn before)."""
    return _BY_STATUS.get(status)
