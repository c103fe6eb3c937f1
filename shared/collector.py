"""Python's cyclic garbage collector in a service process (docs/adr/0055).

A service allocates many short-lived container objects per event (pydantic models, ORM
objects, SQLAlchemy's statements and rows, asyncio's handles), nearly all freed at once by
reference counting. With CPython's default thresholds (a young pass every 700 net
allocations) the collector still walked them often enough to take 10% of triage's CPU and
9–11% of the monitor's in the month benchmark, after start-up's objects were frozen.

After start-up, `settle()` collects once, freezes what is left (modules, classes, the app
and its clients: the full passes no longer walk them) and makes a young pass wait for
50,000 net allocations. Objects in cycles are still collected, in fewer and larger passes:
triage's peak memory in a 100,000-signal month rose to 226 MiB (ADR 0055 has the figures).
"""

from __future__ import annotations

import gc

YOUNG_PASS_EVERY = 50_000  # net allocations of tracked objects; CPython's default is 700


def settle() -> None:
    """Freeze what start-up made and make young passes rarer (a service process only)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_PASS_EVERY, middle, old)
