"""A request rate towards the population register: a token bucket.

The register is someone else's production system, with agreements on load; triage
asks it at most `rate` times per second (bursts up to `burst`). Time and sleep are
injectable so the rule can be tested without waiting.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable


class RateLimiter:
    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._burst = burst
        self._tokens = float(burst)
        self._now = now
        self._sleep = sleep
        self._updated = now()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                await self._sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1

    def _refill(self) -> None:
        moment = self._now()
        self._tokens = min(self._burst, self._tokens + (moment - self._updated) * self._rate)
        self._updated = moment
