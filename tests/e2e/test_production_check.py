"""`make production-check`, in the suite: the same module (tests/production/check.py), with a
smaller stream so that CI keeps its time (400 signals instead of 2,000; everything else as
`make production-check` does it: Keycloak, the three-broker cluster, its own PostgreSQL,
two instances of every service and of the portal in production, the README's stories,
the portal login in Chromium, a broker and one instance of each service killed with -9
and started again). It starts its own infrastructure on ports of its own, so it needs
no shared broker, PostgreSQL or Keycloak; a missing Java, PostgreSQL or Chromium fails it.

About ten minutes on two cores, so the default run leaves it out (deselected, not skipped:
tests/conftest.py); `pytest --production-check` or naming this file runs it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.processes import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres, pytest.mark.production_check]

SIGNALS = 400
LINE = re.compile(
    r"^production-check: signals (\d+), lost (\d+), duplicate alerts after dedupe (\d+), "
    r"duplicate cases (\d+), raw duplicate deliveries (\d+), wall (\d+) s$"
)


@pytest.mark.timeout(1800)
def test_the_production_shape_loses_and_duplicates_nothing_through_a_rolling_restart():
    run = subprocess.run(
        [sys.executable, "-m", "tests.production.check", "--signals", str(SIGNALS)],
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
    for step in ("story 1:", "portal: Sanne de Vries (GGD-0417)", "story 2:", "kill -9 broker", "monitor-1: killed -9",
                 "portal-1: killed -9", "every alert arrived"):  # fmt: skip
        assert step in run.stdout, f"the check did not report {step!r}:\n{output[-6000:]}"
