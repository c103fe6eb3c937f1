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
