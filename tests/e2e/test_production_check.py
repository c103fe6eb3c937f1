"""`make production-check`, in the suite: the same module (tests/production/check.py) in
its CI variant, which proves the same things in less time. Everything is as
`make production-check` does it: Keycloak, the three-broker cluster, its own PostgreSQL,
two instances of every service and of the portal in production (triage reaching the
register stand-in with its register client's Keycloak token), the README's stories, the
portal login in Chromium, a broker and one instance of each service killed with -9 and
started again, and the counts line. What differs: 300 signals instead of 2,000, paced at
4 per second so that they flow while the instances are killed; the broker down 5 s
instead of 10; and the first instances of all services killed at once and started
together instead of one after the other (`--restarts together`). It starts its own
infrastructure on ports of its own, so it needs no shared broker, PostgreSQL or Keycloak;
a missing Java, PostgreSQL or Chromium fails it.

Still minutes on two cores, so the default run leaves it out (deselected, not skipped:
tests/conftest.py); `pytest --production-check` or naming this file runs it. Its output,
with the time of every step, is kept in .run/production-check-e2e.out."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.processes import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres, pytest.mark.production_check]

SIGNALS = 300
CI_VARIANT = ["--signals", str(SIGNALS), "--rate", "4", "--broker-down", "5", "--restarts", "together"]
LINE = re.compile(
    r"^production-check: signals (\d+), lost (\d+), duplicate alerts after dedupe (\d+), "
    r"duplicate cases (\d+), raw duplicate deliveries (\d+), wall (\d+) s$"
)
STEPS = ("story 1:", "portal: Sanne de Vries (GGD-0417)", "story 2:", "kill -9 broker", "back and in sync",
         *(f"{service}-1: killed -9" for service in ("arrears", "triage", "placement", "notifications", "monitor", "portal")),
         "every alert arrived")  # fmt: skip


@pytest.mark.timeout(1800)
def test_the_production_shape_loses_and_duplicates_nothing_through_a_rolling_restart():
    run = subprocess.run(
        [sys.executable, "-m", "tests.production.check", *CI_VARIANT],
        cwd=REPO, capture_output=True, text=True, timeout=1750,
    )  # fmt: skip
    output = run.stdout + run.stderr
    (REPO / ".run").mkdir(exist_ok=True)
    (REPO / ".run" / "production-check-e2e.out").write_text(output)  # its timed steps, for whoever measures it
    lines = run.stdout.strip().splitlines()
    assert lines and LINE.match(lines[-1]), f"no verdict line:\n{output[-6000:]}"
    signals, lost, duplicate_alerts, duplicate_cases, _raw, _wall = map(int, LINE.match(lines[-1]).groups())
    assert (signals, lost, duplicate_alerts, duplicate_cases) == (SIGNALS, 0, 0, 0), output[-6000:]
    assert run.returncode == 0, output[-6000:]
    for step in STEPS:
        assert step in run.stdout, f"the check did not report {step!r}:\n{output[-6000:]}"
