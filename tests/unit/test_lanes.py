"""`make test` runs the suite as two pytest processes (tests/lanes.py): the run is green only
when both lanes ran tests and passed."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.lanes import MARK

REPO = Path(__file__).resolve().parents[2]


def lanes(tmp_path: Path, tests: str) -> tuple[int, str]:
    (tmp_path / "pytest.ini").write_text(f"[pytest]\nmarkers =\n    {MARK}: waits\n")
    (tmp_path / "test_example.py").write_text(textwrap.dedent(tests))
    done = subprocess.run(
        [sys.executable, "-m", "tests.lanes", "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "LANES_LOG": str(tmp_path / "waiting.log")},
    )
    return done.returncode, done.stdout


def test_both_lanes_run_and_the_waiting_lane_is_printed(tmp_path):
    code, output = lanes(tmp_path, f"""
        import pytest
        def test_main(): pass
        @pytest.mark.{MARK}
        def test_waiting(): pass
    """)
    assert code == 0, output
    assert "lanes: main exit 0, waiting exit 0" in output
    assert "test_example.py ." in (tmp_path / "waiting.log").read_text()  # the waiting lane ran its one test


def test_a_failure_in_the_waiting_lane_fails_the_run(tmp_path):
    code, output = lanes(tmp_path, f"""
        import pytest
        def test_main(): pass
        @pytest.mark.{MARK}
        def test_waiting(): assert False, "the outage lost a signal"
    """)
    assert code == 1
    assert "the outage lost a signal" in output  # its output is shown, not only kept in the log


def test_a_lane_without_tests_fails_the_run(tmp_path):
    code, output = lanes(tmp_path, "def test_main(): pass\n")
    assert code == 5, output
    assert "waiting exit 5" in output
