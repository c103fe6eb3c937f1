"""Late in view: an eviction close by for a family without a safety-net plan.

Helpers hear "two or three times a month" that a family will be evicted within
days (docs/domain.md#time-rules, T13). When an eviction is scheduled within the window
(TRIAGE_URGENT_WINDOW_DAYS, default 14) for a family, or a household that may
be one, and nobody recorded a safety-net plan for it, the GGD gets an urgent alert,
whatever the routing rule said. A team's contact alone is not enough: the report's
recommendation C asks for a safety net before a family's eviction, not only a visit.
The check is due when the window opens, so a timer raises it on the day an eviction
far ahead comes within reach.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def check_due_at(eviction_date: date, window_days: int) -> datetime:
    """The moment the eviction comes within the window (start of that day, UTC)."""
    return datetime.combine(eviction_date - timedelta(days=window_days), time(0), tzinfo=UTC)


def urgent_ggd_alert_needed(
    is_family: bool | None, safety_net_plan_on: date | None, eviction_date: date, today: date, window_days: int
) -> bool:
    """A family (or possibly one), no safety-net plan, and the eviction within the window (not past)."""
    within_window = today <= eviction_date <= today + timedelta(days=window_days)
    return is_family is not False and safety_net_plan_on is None and within_window


def why(eviction_date: date, window_days: int, prevention_contact_on: date | None) -> str:
    """The alert's reason: whether a team reached the family, and that no plan is made."""
    reached = "a team reached the family" if prevention_contact_on else "no prevention team reached the family"
    return f"eviction on {eviction_date} within {window_days} days for a family; {reached}, no safety-net plan is recorded"
