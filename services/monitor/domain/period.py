"""The period a count belongs to: the calendar month of the fact's own date.

Which date that is, per metric, is decided in reading.py (an eviction's outcome by the
eviction's date, a signal by `observed_on`, a report by the day it was made, ...). A
date is a day in the Netherlands already. A moment (an alert raised, a placement
confirmed) counts in its month in Dutch local time, as the residents live it: a moment
at 23:30 UTC on 31 December counts for January. Dutch local time is CET (UTC+1), and
CEST (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
Sunday of October (the EU rule). It is computed here rather than read from a time
zone database, so the rule holds on a slim image without tzdata and can be tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def period_of_day(day: date) -> Period:
    return Period(day.year, day.month)


def period_of(moment: datetime) -> Period:
    if moment.tzinfo is None:
        raise ValueError("an event time must carry its offset")
    local = dutch_local_time(moment)
    return Period(local.year, local.month)


def dutch_local_time(moment: datetime) -> datetime:
    """The wall-clock time in the Netherlands (naive), for an aware moment."""
    utc = moment.astimezone(UTC)
    offset = timedelta(hours=2) if _summer_time(utc) else timedelta(hours=1)
    return (utc + offset).replace(tzinfo=None)


def _summer_time(utc: datetime) -> bool:
    start = datetime.combine(_last_sunday(utc.year, 3), datetime.min.time(), UTC) + timedelta(hours=1)
    end = datetime.combine(_last_sunday(utc.year, 10), datetime.min.time(), UTC) + timedelta(hours=1)
    return start <= utc < end


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October have 31 days
    return last - timedelta(days=(last.weekday() - 6) % 7)
