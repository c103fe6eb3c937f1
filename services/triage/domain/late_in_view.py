"""Late in view: an eviction close by for a family no prevention team has reached.

Helpers hear "two or three times a month" that a family will be evicted within
days (docs/domain.md#time-rules, T13). When an eviction is scheduled within the window
(TRIAGE_URGENT_WINDOW_DAYS, default 14) for a family, or a household that may
be one, and no prevention team has made contact, the GGD gets an urgent alert,
whatever the routing rule said. The check is due when the window opens, so a
timer raises it on the day an eviction far ahead comes within reach.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def check_due_at(eviction_date: date, window_days: int) -> datetime:
    """The moment the eviction comes within the window (start of that day, UTC)."""
    return datetime.combine(eviction_date - timedelta(days=window_days), time(0), tzinfo=UTC)


def urgent_ggd_alert_needed(
    is_family: bool | None, prevention_contact_on: date | None, eviction_date: date, today: date, window_days: int
) -> bool:
    """A family (or possibly one), no prevention contact, and the eviction within the window (not past)."""
    within_window = today <= eviction_date <= today + timedelta(days=window_days)
    return is_family is not False and prevention_contact_on is None and within_window
