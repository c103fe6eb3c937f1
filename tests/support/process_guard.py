"""Processes a test starts in a session of their own (so the test can stop the whole group)
that die with the test process all the same, even when the run is killed and no teardown
runs (SIGKILL, a CI timeout): the kernel sends the group's leader a signal when the process
that started it dies (Linux `PR_SET_PDEATHSIG`), and the leader passes it on to its group.

A leftover would hold its port, and the next run would fail on it ("the README's ports
[9999] are taken").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None


def dies_with_this_process(sig: signal.Signals = signal.SIGTERM) -> Callable[[], None]:
    """A `preexec_fn` for Popen: the child gets `sig` when this process dies. Loaded before the
    fork; in the child only the system call runs (no imports, no locks)."""
    parent = os.getpid()

    def guard() -> None:
        if _LIBC is None:
            return  # elsewhere the teardown is the only stop
        if _LIBC.prctl(_PR_SET_PDEATHSIG, int(sig)) != 0:
            os._exit(70)
        if os.getppid() != parent:  # the parent died before the guard was set
            os._exit(70)

    return guard


def group_dies_together(block: str) -> list[str]:
    """bash running `block` (which may start background jobs, `... &`) and staying their parent:
    on SIGTERM (from the guard above, or the test's own stop) it stops its whole process group."""
    return ["bash", "-c", f"trap 'trap - TERM; kill 0' TERM\n{block}\nwait"]
