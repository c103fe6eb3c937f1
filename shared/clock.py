"""Time as a dependency: services read `clock.now()`, tests move a FakeClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


class AdjustableClock:
    """System time plus an offset that tests can move forward.

    Services run on it in the `test` environment only, so an end-to-end test can
    let 15 days pass for a deadline without waiting (see shared.http's
    /test/clock endpoint, which exists only there)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, **delta: float) -> datetime:
        self._offset += timedelta(**delta)
        return self.now()
