"""When to try a failed delivery again: exponential, capped, with full jitter (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Backoff:
    first_delay: float
    max_delay: float
    max_attempts: int

    def next_attempt(self, attempts_made: int, now: datetime, rng: random.Random = random.Random()) -> datetime | None:
        """None when the last attempt has been made: the delivery is dead-lettered."""
        if attempts_made >= self.max_attempts:
            return None
        ceiling = min(self.first_delay * 2 ** (attempts_made - 1), self.max_delay)
        # Half fixed, half random: spreads retries of many failed deliveries without ever retrying at once.
        return now + timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


class Streak:
    """A run of failures of one piece of work that must go on (claiming, recording while the
    database is away): the pause before the next try, doubling from `first` up to `cap`, and
    since when it fails (monotonic seconds; None while it works), for readiness and the log."""

    def __init__(self, first: float = 0.2, cap: float = 5.0):
        self._first, self._cap = first, cap
        self._next = first
        self.failing_since: float | None = None
        self.failures = 0

    def failed(self, now: float) -> float:
        """Count a failure; the pause to take before trying again."""
        if self.failing_since is None:
            self.failing_since = now
        self.failures += 1
        pause, self._next = self._next, min(self._next * 2, self._cap)
        return pause

    def succeeded(self, now: float) -> float | None:
        """End the run; how long it lasted, or None when nothing was failing."""
        lasted = None if self.failing_since is None else now - self.failing_since
        self.failing_since, self._next = None, self._first
        return lasted
