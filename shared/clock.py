"""Time as a dependency: services read `clock.now()`, tests move a FakeClock.

A worker that sleeps until a moment on the clock (the deliverer, until the next delivery
is due) registers `on_move` on a clock that can be moved, and is woken when it is: a test
that lets ten minutes pass does not wait for the worker's longest sleep.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Callable, Protocol
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def dutch_date(moment: datetime) -> date:
    """The calendar day in the Netherlands at `moment`: the day a professional writes on a form.
    From midnight in Amsterdam until midnight UTC it is one day after the UTC date, so a check
    that a reported day is not in the future must use this day, not `moment.date()`."""
    return moment.astimezone(DUTCH_TIME).date()


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class _Movable:
    """Tells those who sleep by this clock that it moved."""

    _moved: list[Callable[[], None]]

    def on_move(self, callback: Callable[[], None]) -> None:
        self._moved.append(callback)

    def _tell_moved(self) -> None:
        for callback in self._moved:
            callback()


class FakeClock(_Movable):
    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
        self._moved = []

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        self._tell_moved()
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment
        self._tell_moved()


class AdjustableClock(_Movable):
    """System time plus an offset that tests can move forward.

    Services run on it in the `test` environment only, so an end-to-end test can
    let 15 days pass for a deadline without waiting (see shared.http's
    /test/clock endpoint, which exists only there)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._moved = []

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, **delta: float) -> datetime:
        self._offset += timedelta(**delta)
        self._tell_moved()
        return self.now()
