"""Durable timers: time rules run from state in the database, checked on a clock.

A timer worker calls `check(now)` every `interval` seconds. The check selects
what is due (`due_at <= now`) from the database, acts, and records that it
acted, in one transaction; nothing sleeps until a deadline, so a restart loses
nothing and a test moves the clock instead of waiting.
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from shared.clock import Clock

Check = Callable[[object], Awaitable[int]]


def timer_worker(clock: Clock, check: Callable, interval: float = 1.0):
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await check(clock.now())
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass

    return run
