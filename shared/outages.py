"""Which dependencies this process finds away right now, and how often they failed.

Every worker that holds work because a dependency is away (a consumer's
partition, the outbox relay, a timer) reports it here under its own name and
clears it when its work goes through again. Readiness says "not ready" while
anything is held; `/metrics` (shared.metrics) shows how many hold, on what, since when,
and the failure counts.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from shared.faults import Dependency, Verdict


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff: first_delay, doubled per attempt, never above max_delay.

    `attempts` bounds only the retries of an unclassified failure; a transient one
    is retried for as long as it lasts."""

    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 5.0

    def delay(self, attempt: int) -> float:
        doublings = min(max(attempt, 1) - 1, 32)  # a long outage: no float overflow after a thousand tries
        return min(self.first_delay * 2**doublings, self.max_delay)


@dataclass
class Hold:
    dependency: Dependency
    since: float  # time.monotonic()
    failures: int = 1
    reason: str = ""


@dataclass
class Outages:
    holds: dict[str, Hold] = field(default_factory=dict)
    transient_failures: Counter = field(default_factory=Counter)
    unclassified: Counter = field(default_factory=Counter)  # failures that are no dependency's (bugs), per worker

    def noted(self, verdict: Verdict) -> Dependency:
        """A transient failure that holds nothing (a request answered 503): counted only."""
        dependency = verdict.dependency or Dependency.NETWORK
        self.transient_failures[dependency.value] += 1
        return dependency

    def failed(self, holder: str, verdict: Verdict) -> int:
        """`holder` could not go on because of a transient failure; returns its consecutive failures."""
        dependency = self.noted(verdict)
        hold = self.holds.get(holder)
        if hold is None or hold.dependency is not dependency:
            self.holds[holder] = Hold(dependency, time.monotonic(), 1, verdict.reason)
            return 1
        hold.failures += 1
        hold.reason = verdict.reason
        return hold.failures

    def recovered(self, holder: str) -> None:
        self.holds.pop(holder, None)

    def away(self) -> dict[str, float]:
        """Each dependency something waits on, with the seconds since the longest wait began."""
        now = time.monotonic()
        away: dict[str, float] = {}
        for hold in self.holds.values():
            away[hold.dependency.value] = max(away.get(hold.dependency.value, 0.0), round(now - hold.since, 1))
        return away

    def held_partitions(self) -> int:
        return sum(1 for holder in self.holds if holder.startswith("consumer "))


async def pause(stop: asyncio.Event | None, seconds: float) -> bool:
    """Sleep `seconds`, or less when `stop` is set; True when stopping."""
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
