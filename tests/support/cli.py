"""The command-line tool as a user runs it: `python -m services.cli ...` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.processes import REPO


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # wide enough that no summary cell wraps
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
        check=False,  # the exit code is what the tests look at
    )
