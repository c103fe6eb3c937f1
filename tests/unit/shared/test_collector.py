"""A service process, once started, has frozen start-up's objects and makes young collector
passes rare (shared.collector); in a fresh interpreter, as a service process is."""

import json
import subprocess
import sys
from pathlib import Path

from shared.collector import YOUNG_PASS_EVERY

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
