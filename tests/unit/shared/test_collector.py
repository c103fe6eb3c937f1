"""A service process, once started, has frozen start-up's objects and makes young collector
passes rare (shared.collector); in a fresh interpreter, as a service process is. What died
after a young pass had moved it to an older generation is collected by the full passes."""

import asyncio
import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

from shared.collector import YOUNG_PASS_EVERY, full_passes

REPOSITORY = Path(__file__).resolve().parents[3]
PROBE = """
import gc, json
from shared.collector import settle
before = gc.get_threshold()
settle()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_settling_freezes_start_up_and_makes_young_passes_rare():
    found = json.loads(subprocess.run([sys.executable, "-c", PROBE], cwd=REPOSITORY, capture_output=True, text=True, check=True).stdout)
    assert found["before"][0] < YOUNG_PASS_EVERY, "CPython's default is far lower"
    assert found["after"] == [YOUNG_PASS_EVERY, *found["before"][1:]], "older generations keep their thresholds"
    assert found["frozen"] > 1000, "start-up's objects are frozen"


class Node:
    """An object in a cycle with itself, as an ORM object is with its state."""

    def __init__(self):
        self.me = self


async def test_full_passes_collect_cycles_that_young_passes_no_longer_see():
    gc.disable()  # only the passes this test makes
    try:
        node = Node()
        gone = weakref.ref(node)
        gc.collect(0)  # a young pass while the node is in use moves it to an older generation
        del node
        gc.collect(0)
        assert gone() is not None, "young passes no longer look at it"
        stop = asyncio.Event()
        passes = asyncio.create_task(full_passes(stop, every=0.05))
        for _ in range(100):
            if gone() is None:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(passes, timeout=1)
        assert gone() is None, "a full pass collected it"
    finally:
        gc.enable()
