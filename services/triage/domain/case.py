"""The household's case: its states and the one table of allowed transitions.

Signals arrive out of order (a verdict before any arrears, an outcome before
the schedule) and repeat. A signal moves the case to the state it implies when
the table allows it; otherwise the case keeps its state and the timeline notes
the late signal. Nothing here reads a clock or a database.
"""

from __future__ import annotations

from enum import StrEnum

from shared.contracts.event_types import SignalType


class CaseState(StrEnum):
    SIGNALLED = "signalled"  # arrears or verdict: prevention stage
    EVICTION_SCHEDULED = "eviction_scheduled"
    AWAITING_PLACEMENT = "awaiting_placement"  # evicted or found at the door; needs a place
    PLACED = "placed"
    LOST_FROM_VIEW = "lost_from_view"
    RESOLVED = "resolved"  # paid, cancelled, not carried out


S = CaseState
ALLOWED_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.SIGNALLED: frozenset({S.SIGNALLED, S.EVICTION_SCHEDULED, S.AWAITING_PLACEMENT, S.LOST_FROM_VIEW, S.RESOLVED}),
    S.EVICTION_SCHEDULED: frozenset(
        {S.EVICTION_SCHEDULED, S.AWAITING_PLACEMENT, S.LOST_FROM_VIEW, S.RESOLVED}
    ),
    # RESOLVED from AWAITING_PLACEMENT: the eviction was reversed after a family was found at the door (docs/domain.md#the-family-found-at-the-door-friesland).
    S.AWAITING_PLACEMENT: frozenset({S.AWAITING_PLACEMENT, S.PLACED, S.LOST_FROM_VIEW, S.RESOLVED}),
    S.PLACED: frozenset({S.PLACED, S.RESOLVED}),
    S.LOST_FROM_VIEW: frozenset({S.AWAITING_PLACEMENT, S.PLACED, S.SIGNALLED, S.EVICTION_SCHEDULED}),
    S.RESOLVED: frozenset({S.SIGNALLED, S.EVICTION_SCHEDULED, S.AWAITING_PLACEMENT, S.LOST_FROM_VIEW, S.RESOLVED}),
}

_BY_SIGNAL: dict[SignalType, CaseState] = {
    SignalType.ARREARS_REPORTED: S.SIGNALLED,
    SignalType.VERDICT_ISSUED: S.SIGNALLED,
    SignalType.ARREARS_RESOLVED: S.RESOLVED,
    SignalType.EVICTION_SCHEDULED: S.EVICTION_SCHEDULED,
    SignalType.EVICTION_CANCELLED: S.RESOLVED,
    SignalType.FAMILY_FOUND: S.AWAITING_PLACEMENT,
}
_BY_OUTCOME: dict[str, CaseState] = {
    "evicted": S.AWAITING_PLACEMENT,
    "left_unknown_destination": S.LOST_FROM_VIEW,
    "paid_at_door": S.RESOLVED,
    "not_executed": S.RESOLVED,
}


# Signals alongside the eviction's steps (domain.sequence.ALONGSIDE) open a case as
# signalled and otherwise leave its state as it is.
KEEPS_STATE = frozenset({SignalType.CONCERN_REPORTED, SignalType.CONTACT_ATTEMPTED, SignalType.SUPPORT_RELAPSED})


def implied_state(signal_type: SignalType, outcome: str | None = None, current: CaseState | None = None) -> CaseState:
    if signal_type in KEEPS_STATE:
        return current or S.SIGNALLED
    if signal_type == SignalType.EVICTION_EXECUTED:
        return _BY_OUTCOME[outcome or "evicted"]
    return _BY_SIGNAL[signal_type]


# Transitions in the table that only some kinds of signal may make. A family found at
# the door can have its eviction reversed: cancelled, or reported by the bailiff as paid
# at the door or not carried out (the outcomes that imply RESOLVED). Arrears paid after
# an eviction do not give the family its home back.
ONLY_BY: dict[tuple[CaseState, CaseState], frozenset[SignalType]] = {
    (S.AWAITING_PLACEMENT, S.RESOLVED): frozenset({SignalType.EVICTION_CANCELLED, SignalType.EVICTION_EXECUTED}),
}


def next_state(current: CaseState | None, target: CaseState, signal_type: SignalType | None = None) -> tuple[CaseState, bool]:
    """(state after the signal, whether it moved as the signal implies)."""
    if current is None:
        return target, True
    allowed = target in ALLOWED_TRANSITIONS[current]
    only_by = ONLY_BY.get((current, target))
    if allowed and (only_by is None or signal_type in only_by):
        return target, True
    return current, False
