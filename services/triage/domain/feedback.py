"""The feedback loop with prevention teams, as pure rules.

A team that received a prevention alert reports back: contact made, home visits
(the bemoeizorg team goes with two workers the first time; a visit where the household
opened the door and talked is contact), an
intermediate report (tussenmelding, due 14 days after the signal) and a final
report (terugmelding, due 28 days after) with an outcome (docs/domain.md#time-rules,
time rules T07-T10). Each report is given once; a final report closes what is
still open. A report cannot be dated in the future or before the alert.

Collection suspension (Vroeg Eropaf, T09 and T10): the corporation suspends collection
until a timely final report; after it, for at most 9 months while a debt
settlement request is pending (on condition that the monthly rent is paid,
which the corporation watches itself). Without a final report the suspension
ends at the final report's due date: the team did not report in time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts.events.prevention import PreventionOutcome

MAX_SUSPENSION_MONTHS = 9
FINAL_REPORT_SIGNAL = "prevention.report-final"  # how routing rules name a team's final report
# Outcomes that mean the team reached the household (for "no prevention contact").
REACHED = frozenset({PreventionOutcome.ARRANGEMENT, PreventionOutcome.DEBT_HELP_STARTED, PreventionOutcome.ALREADY_KNOWN})


class FeedbackKind(StrEnum):
    CONTACT_MADE = "contact-made"
    HOME_VISIT = "home-visit"  # any number of times until the final report; counts as contact when the household was met
    INTERMEDIATE = "report-intermediate"
    FINAL = "report-final"


@dataclass(frozen=True)
class FeedbackSoFar:
    contact_made_on: date | None = None
    intermediate_report_on: date | None = None
    final_report_on: date | None = None


class FeedbackRefused(ValueError):
    """The feedback contradicts what was reported before; `field` names what to fix."""

    def __init__(self, field: str, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.field, self.conflict = field, conflict


def check_feedback(kind: FeedbackKind, reported_on: date, so_far: FeedbackSoFar, alerted_on: date, today: date) -> None:
    """Raise FeedbackRefused when this report cannot be accepted as it is."""
    if reported_on > today:
        raise FeedbackRefused("reported_on", f"reported_on {reported_on} is in the future")
    if reported_on < alerted_on:
        raise FeedbackRefused("reported_on", f"reported_on {reported_on} is before the alert ({alerted_on})")
    if so_far.final_report_on is not None:
        raise FeedbackRefused("type", f"the final report was given on {so_far.final_report_on}; the alert is closed", conflict=True)
    earlier = {
        FeedbackKind.CONTACT_MADE: so_far.contact_made_on,
        FeedbackKind.INTERMEDIATE: so_far.intermediate_report_on,
    }.get(kind)
    if earlier is not None:
        raise FeedbackRefused("type", f"{kind} was already reported on {earlier}", conflict=True)


def counts_as_contact(kind: FeedbackKind, outcome: PreventionOutcome | None = None, met_household: bool = False) -> bool:
    """Did the team reach the household? Contact made, a home visit where it met the household,
    or a final report that says so."""
    return (
        kind is FeedbackKind.CONTACT_MADE
        or (kind is FeedbackKind.HOME_VISIT and met_household)
        or (kind is FeedbackKind.FINAL and outcome in REACHED)
    )


def collection_suspended_until(
    final_report_due: date | None, final_report_on: date | None = None, debt_settlement_pending: bool = False
) -> date | None:
    """Until when the signaller suspends collection; None when no suspension applies."""
    if final_report_due is None:
        return None
    if final_report_on is None:
        return final_report_due
    if debt_settlement_pending:
        return add_months(final_report_on, MAX_SUSPENSION_MONTHS)
    return final_report_on


def add_months(day: date, months: int) -> date:
    """Calendar months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
