"""The whole suite as two pytest runs side by side, as `make test` (and so CI) runs it.

Some tests spend minutes waiting out an outage they made: the fault suite holds each
service's database and the register away for 5 s and then 60 s while signals stream, and
the deliverer's test holds its database away for as long. While they wait the machine is
nearly idle. They carry the `waits_out_outages` mark and run in a lane of their own, beside
every other test, instead of after them. Both lanes use the same Kafka, PostgreSQL and
Keycloak; every test already keeps to its own topics, databases and ports.

    .venv/bin/python -m tests.lanes [pytest options]     # what `make test` runs

The main lane prints as it goes; the waiting lane's output is kept in
`.run/tests/waiting-lane.log` (or `$LANES_LOG`) and printed when both have ended. The run fails when either
lane fails, and when either collected no test (pytest's exit 5): a lane that ran nothing
must not pass as green. A bare `pytest` still runs everything in one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MARK = "waits_out_outages"
LOG = Path(__file__).resolve().parents[1] / ".run" / "tests" / "waiting-lane.log"


def run(options: list[str], log_path: Path = LOG) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    pytest = [sys.executable, "-m", "pytest", *options]
    with log_path.open("w") as log:
        waiting = subprocess.Popen([*pytest, "-m", MARK, "-p", "no:cacheprovider"], stdout=log, stderr=subprocess.STDOUT)
        try:
            main = subprocess.call([*pytest, "-m", f"not {MARK}"])
            waited = waiting.wait()
        except BaseException:
            waiting.terminate()
            waiting.wait()
            raise
    print(f"\n{'=' * 30} the waiting lane (-m {MARK}) {'=' * 30}")
    print(log_path.read_text(), end="", flush=True)
    print(f"lanes: main exit {main}, waiting exit {waited}")
    return 0 if main == 0 and waited == 0 else (main or waited)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], Path(os.environ.get("LANES_LOG", LOG))))
