"""Did prevention prevent the eviction? What became of the household after a prevention
alert, from what the chain hears at the dwelling within the follow-up window (pure).

A follow-up starts with every prevention alert and watches the dwelling's eviction
signals dated within its window. Its states and the one table of moves:

    watching --scheduled--> eviction_scheduled --called off--> eviction_called_off
        \\                        \\                                 |  (scheduled again)
         \\--------------------------------- evicted ---------------> evicted (final)

An eviction carried out (or the household gone before the bailiff came) records the
outcome at once; else the window's close does, by the state it ended in (`OUTCOME_AT_CLOSE`):
no eviction, an eviction that was not executed, or unknown: an eviction was under way
and how it ended was never reported.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from shared.contracts.events.follow_up import CaseOutcome
from shared.retention import months_after


class FollowUpState(StrEnum):
    WATCHING = "watching"  # nothing about an eviction yet
    EVICTION_SCHEDULED = "eviction_scheduled"  # an eviction date set (or a family found at the door)
    EVICTION_CALLED_OFF = "eviction_called_off"  # cancelled, paid at the door or not carried out
    EVICTED = "evicted"  # carried out, or the household left before the bailiff came


class Sighting(StrEnum):
    """What an eviction signal says happened at the dwelling."""

    SCHEDULED = "scheduled"
    CALLED_OFF = "called_off"
    EVICTED = "evicted"


S, E = FollowUpState, Sighting
MOVES: dict[FollowUpState, dict[Sighting, FollowUpState]] = {
    S.WATCHING: {E.SCHEDULED: S.EVICTION_SCHEDULED, E.CALLED_OFF: S.EVICTION_CALLED_OFF, E.EVICTED: S.EVICTED},
    S.EVICTION_SCHEDULED: {E.SCHEDULED: S.EVICTION_SCHEDULED, E.CALLED_OFF: S.EVICTION_CALLED_OFF, E.EVICTED: S.EVICTED},
    S.EVICTION_CALLED_OFF: {E.SCHEDULED: S.EVICTION_SCHEDULED, E.CALLED_OFF: S.EVICTION_CALLED_OFF, E.EVICTED: S.EVICTED},
    S.EVICTED: {},  # final: recorded at once
}
OUTCOME_AT_CLOSE: dict[FollowUpState, CaseOutcome] = {
    S.WATCHING: CaseOutcome.NO_EVICTION,
    S.EVICTION_SCHEDULED: CaseOutcome.UNKNOWN,
    S.EVICTION_CALLED_OFF: CaseOutcome.EVICTION_NOT_EXECUTED,
    S.EVICTED: CaseOutcome.EVICTED,
}
_BY_SIGNAL = {
    "eviction.scheduled": E.SCHEDULED,
    "eviction.family-found": E.SCHEDULED,  # an eviction under way at the door; its end comes as eviction.executed
    "eviction.cancelled": E.CALLED_OFF,
}
_BY_OUTCOME = {
    "evicted": E.EVICTED,
    "left_unknown_destination": E.EVICTED,  # the household lost its home (Boedelbeheer counts them as evicted)
    "paid_at_door": E.CALLED_OFF,
    "not_executed": E.CALLED_OFF,
}


def sighting(signal_type: str, outcome: str | None) -> Sighting | None:
    """What a signal says about an eviction at the dwelling; None: nothing (arrears, a verdict)."""
    if signal_type == "eviction.executed":
        return _BY_OUTCOME.get(outcome or "evicted")
    return _BY_SIGNAL.get(signal_type)


def moved(state: FollowUpState, seen: Sighting) -> FollowUpState:
    """The state after a sighting; a final state stays."""
    return MOVES[state].get(seen, state)


def is_final(state: FollowUpState) -> bool:
    return not MOVES[state]


def window_end(alerted_at: datetime, months: int) -> datetime:
    """The moment the follow-up window closes: `months` calendar months after the alert."""
    return months_after(alerted_at, months)


def within_window(day: date, alerted_at: datetime, until: datetime) -> bool:
    """A signal dated from the alert's day to the window's last day counts."""
    return alerted_at.date() <= day <= until.date()


def report_missing(final_report_due: datetime | None, final_report_on: date | None, now: datetime) -> bool:
    """The team owed a final report, its due date passed, and none came (the report's
    "results missing")."""
    return final_report_due is not None and final_report_on is None and final_report_due <= now
