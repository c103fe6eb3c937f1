"""A safety-net plan before a family's eviction (the report's recommendation C), as pure rules.

An eviction is sometimes legitimate, even as a last resort; then the partners must act
together and give the family a safety net. The plan is made for the eviction the case has
scheduled, before that day, once per eviction date: a new date needs a new plan. What the
plan says in words stays on the case; the bus carries its arrangements as codes.
"""

from __future__ import annotations

from datetime import date

from services.triage.domain.case import CaseState

# Before the eviction: the case has an eviction date and has not moved past it.
BEFORE_THE_EVICTION = frozenset({CaseState.SIGNALLED, CaseState.EVICTION_SCHEDULED})


class PlanRefused(ValueError):
    """The plan cannot be taken as it is; `field` names what to fix, `conflict` when it
    contradicts the case (409) rather than being a wrong value (400)."""

    def __init__(self, field: str, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.field, self.conflict = field, conflict


def check_plan(
    *,
    scheduled: date | None,
    state: CaseState,
    eviction_date: date,
    made_on: date,
    today: date,
) -> None:
    """Raise PlanRefused unless this plan covers the case's coming eviction."""
    if scheduled is None or state not in BEFORE_THE_EVICTION:
        raise PlanRefused("eviction_date", "no eviction is coming on this case", conflict=True)
    if eviction_date != scheduled:
        raise PlanRefused("eviction_date", f"the case's eviction is scheduled for {scheduled}", conflict=True)
    if made_on > today:
        raise PlanRefused("made_on", f"made_on {made_on} is in the future")
    if made_on > eviction_date:
        raise PlanRefused("made_on", "a safety-net plan is made before the eviction")
