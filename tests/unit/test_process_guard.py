"""A process a test starts in its own session dies with the test process, even when the test
process is killed and no teardown runs (tests/support/process_guard.py): a webhook receiver
left behind would hold its port and fail the next run."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.processes import REPO
from tests.support.wait import eventually

TEST_RUN = textwrap.dedent(
    """
    import subprocess, sys, time
    from tests.support.process_guard import dies_with_this_process, group_dies_together
    block = "sleep 300 &\\necho $! > " + sys.argv[1]  # a background job, as the README's receiver is
    subprocess.Popen(group_dies_together(block), start_new_session=True, preexec_fn=dies_with_this_process())
    time.sleep(300)
    """
)


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_background_job_started_by_a_killed_test_run_dies_with_it(tmp_path):
    pid_file = tmp_path / "job.pid"
    test_run = subprocess.Popen([sys.executable, "-c", TEST_RUN, str(pid_file)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        job = eventually(lambda: pid_file.exists() and pid_file.read_text().strip(), timeout=20, what="the job started")
        job = int(job)
        assert alive(job)
        test_run.send_signal(signal.SIGKILL)  # no teardown, no atexit
        test_run.wait(10)
        eventually(lambda: not alive(job), timeout=10, what="the background job gone with the killed test run")
    finally:
        test_run.kill()
