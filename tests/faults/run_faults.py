"""`make faults`: outages of 5 s, 60 s and 5 minutes of every service's database and of
triage's register while 2,000 signals stream through the real chain, one run per
duration on one chain. Prints one line per fault:

    fault <service> <dependency> <seconds>s: signals N, lost 0, duplicate alerts 0, dead letters 0

and exits non-zero when any count but signals is not 0 (or a cut did not bite).
Details go to stderr. `python -m tests.faults.run_faults [seconds ...] [--signals N]`.
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.conftest import KAFKA, POSTGRES
from tests.faults.chain import start_fault_chain
from tests.faults.suite import report, run_outages, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", nargs="*", type=int, default=[5, 60, 300], help="outage lengths, one run each")
    parser.add_argument("--signals", type=int, default=2000, help="signals per run")
    options = parser.parse_args(argv)
    started = time.monotonic()
    chain = start_fault_chain(KAFKA, POSTGRES)
    clean = True
    try:
        for run, seconds in enumerate(options.seconds):
            outcome = run_outages(chain, seconds, run=run, total=options.signals)
            for line in outcome.lines:
                print(line.text(), flush=True)
            for detail in report(outcome):
                say(detail)
            clean &= outcome.clean
    except BaseException:
        say(chain.logs())
        raise
    finally:
        chain.stop()
    say(f"fault suite took {time.monotonic() - started:.0f}s: {'PASS' if clean else 'FAIL'}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
