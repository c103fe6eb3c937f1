"""Plausible dates at the intake, per field, relative to today (pure).

The field types already keep every date within 1900..2199 (shared.contracts.fields).
Here the dates are held against the day they are posted on:

- `observed_on`: not after today plus a small tolerance (clocks and time zones), and
  not older than `observed_max_age_days`, unless the row is marked `"history": true`
  (a partner loading its past: counted, never alerted on).
- `eviction_date`: within the eviction window around today, or around `observed_on`
  for a history row.
- `tenancy_start`, `support_started_on`: not after the day it was observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

IMPLAUSIBLE = "date_implausible"


@dataclass(frozen=True)
class DateWindow:
    future_tolerance_days: int = 1
    observed_max_age_days: int = 3 * 366
    eviction_past_days: int = 365
    eviction_future_days: int = 365


def date_problems(body, today: date, window: DateWindow) -> list[tuple[str, str]]:
    """(field, why) for every date of a signal body that cannot be true on `today`."""
    problems: list[tuple[str, str]] = []
    observed = body.observed_on
    latest = today + timedelta(days=window.future_tolerance_days)
    if observed > latest:
        problems.append(("observed_on", f"lies in the future (latest accepted: {latest.isoformat()})"))
    elif not body.history and observed < today - timedelta(days=window.observed_max_age_days):
        problems.append((
            "observed_on",
            f"is more than {window.observed_max_age_days} days ago; mark the row \"history\": true to load the past",
        ))  # fmt: skip
    eviction = body.value_of("eviction_date")
    if eviction is not None:
        around = observed if body.history else today
        earliest, last = around - timedelta(days=window.eviction_past_days), around + timedelta(days=window.eviction_future_days)
        if not earliest <= eviction <= last:
            what = "observed_on" if body.history else "today"
            problems.append((
                "eviction_date",
                f"must lie within {window.eviction_past_days} days before and {window.eviction_future_days} days after {what}",
            ))  # fmt: skip
    for name in ("tenancy_start", "support_started_on"):
        started = body.value_of(name)
        if started is not None and started > observed:
            problems.append((name, "lies after observed_on"))
    return problems


def as_errors(problems: list[tuple[str, str]], prefix: tuple[str | int, ...] = ("body",)) -> list[dict]:
    """The problems as field error entries (400) (never the submitted value)."""
    return [{"loc": [*prefix, field], "msg": f"{field} {why}", "type": IMPLAUSIBLE} for field, why in problems]
