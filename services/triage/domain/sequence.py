"""Signals out of order: which ones arrive too late to act on.

Partners post what they see when they see it, and Kafka keeps order only per
case, not per observation: a verdict may be routed before the arrears that
preceded it, an eviction's outcome before its schedule. A signal of an earlier
stage (arrears < verdict < scheduled < executed) that was observed on or before
the day the case reached a later stage is *late*: the case records it on the
timeline but raises no alert (an arrears alert after the eviction helps no one).

What happens at the door is never late: an eviction's outcome, its
cancellation (or reversal) and a family found at the door always go through,
whatever arrived before.

Some signals are about the household, not a step of the eviction: a report of concern,
the corporation's contact attempts, a relapse after housing support. They have no stage
(`ALONGSIDE`): never late, and they leave the case's stage where it was.

A signal observed after the case's latest stage starts afresh (new arrears after
a cancelled eviction are a new story), so episodes need no separate bookkeeping.
"""

from __future__ import annotations

from datetime import date

from shared.contracts.event_types import SignalType

STAGES: dict[SignalType, int] = {
    SignalType.ARREARS_REPORTED: 1,
    SignalType.ARREARS_RESOLVED: 1,
    SignalType.VERDICT_ISSUED: 2,
    SignalType.EVICTION_SCHEDULED: 3,
    SignalType.EVICTION_CANCELLED: 4,  # an outcome: withdrawn before the date, or reversed at the door
    SignalType.EVICTION_EXECUTED: 4,
    SignalType.FAMILY_FOUND: 4,
}
NEVER_LATE = frozenset({SignalType.EVICTION_EXECUTED, SignalType.FAMILY_FOUND, SignalType.EVICTION_CANCELLED})
ALONGSIDE = frozenset({SignalType.CONCERN_REPORTED, SignalType.CONTACT_ATTEMPTED, SignalType.SUPPORT_RELAPSED})


def stage_of(signal_type: SignalType) -> int:
    return STAGES[signal_type]


def is_late(signal_type: SignalType, observed_on: date, case_stage: int | None, case_stage_on: date | None) -> bool:
    """True when the case already moved past this signal's stage before it was observed."""
    if signal_type in NEVER_LATE or signal_type in ALONGSIDE or case_stage is None or case_stage_on is None:
        return False
    return stage_of(signal_type) < case_stage and observed_on <= case_stage_on


def next_stage(signal_type: SignalType, observed_on: date, case_stage_on: date | None) -> tuple[int, date]:
    """The case's stage after a signal that is not late, dated by the latest observation so far
    (for a step of the eviction; a signal alongside them leaves the stage as it was)."""
    return stage_of(signal_type), max(observed_on, case_stage_on or observed_on)
