"""Python's cyclic garbage collector in a service process (docs/adr/0055, 0063).

A service allocates many short-lived container objects per event (pydantic models, ORM
objects, SQLAlchemy's statements and rows, asyncio's handles), nearly all freed at once by
reference counting. With CPython's default thresholds (a young pass every 700 net
allocations) the collector still walked them often enough to take 10% of triage's CPU and
9–11% of the monitor's in the month benchmark, after start-up's objects were frozen.

After start-up, `settle()` collects once, freezes what is left (modules, classes, the app
and its clients: the full passes no longer walk them) and makes a young pass wait for
50,000 net allocations. Objects in cycles are still collected, in fewer and larger passes.

What a young pass finds still in use moves to the older generations, which CPython passes
over only after ten and a hundred young passes: in a busy month what died there (an ORM
session's objects, say, each in a cycle with its state) was kept for minutes, and the peak
memory of triage and the monitor grew with the month's size. `full_passes` runs a full pass
every FULL_PASS_EVERY seconds (docs/adr/0063).
"""

from __future__ import annotations

import asyncio
import gc

from shared.outages import pause

YOUNG_PASS_EVERY = 50_000  # net allocations of tracked objects; CPython's default is 700
FULL_PASS_EVERY = 15.0  # seconds


def settle() -> None:
    """Freeze what start-up made and make young passes rarer (a service process only)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_PASS_EVERY, middle, old)


async def full_passes(stop: asyncio.Event, every: float = FULL_PASS_EVERY) -> None:
    """Until `stop`: a full pass every `every` seconds."""
    while not await pause(stop, every):
        gc.collect()
