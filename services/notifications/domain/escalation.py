"""When an unacknowledged alert escalates, and to whom (pure).

An urgent alert must be acknowledged within a fixed time (default one hour,
day or night: urgent means a family at the door). A normal-priority alert
(prevention) must be acknowledged within working days, Monday to Friday in the
teams' own time zone: a prevention team that gets an alert on Friday evening
has until Tuesday evening, not until Sunday. Public holidays are not counted
as non-working days (no holiday calendar in the chain yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Mapping
from zoneinfo import ZoneInfo

from shared.contracts.events.triage import Priority

SATURDAY = 5
ANY_RECIPIENT = "*"


def add_working_days(start: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`start` plus `days` working days (Mon-Fri) at the same local time.

    A start in a weekend counts from Monday 00:00, so the deadline is always
    `days` whole working days after the alert could first be read at work."""
    local = start.astimezone(zone).replace(tzinfo=None)  # wall time: adding days keeps the hour over DST
    if local.weekday() >= SATURDAY:
        local = datetime.combine(local.date() + timedelta(days=7 - local.weekday()), time(0))
    remaining = days
    while remaining:
        local += timedelta(days=1)
        if local.weekday() < SATURDAY:
            remaining -= 1
    return local.replace(tzinfo=zone)


@dataclass(frozen=True)
class EscalationPolicy:
    urgent_after: timedelta = timedelta(hours=1)
    working_days: int = 2
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    fallback: Mapping[str, str] = field(default_factory=lambda: {ANY_RECIPIENT: "ketenregie"})

    def acknowledgement_due(self, priority: Priority | str, raised_at: datetime) -> datetime:
        """The moment an alert raised at `raised_at` escalates if nobody acknowledged it."""
        if Priority(priority) is Priority.URGENT:
            return raised_at + self.urgent_after
        return add_working_days(raised_at, self.working_days, self.zone)

    def fallback_for(self, recipient: str) -> str | None:
        """Who takes over from `recipient`; None when nobody else is configured."""
        target = self.fallback.get(recipient, self.fallback.get(ANY_RECIPIENT))
        return None if target in (None, recipient) else target
