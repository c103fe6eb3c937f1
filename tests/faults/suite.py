"""One outage run: signals stream in while each dependency is cut in turn for the same
number of seconds; then everything must arrive everywhere, once, with no dead letter.

Each fault's line counts its own slice: the signals first posted from its cut to the
next fault's cut (the first also counts the warm-up before it)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass

from shared.privacy import household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY
from tests.faults.chain import DATABASE, EROPAF, GGD, REGISTER, FaultChain
from tests.faults.observe import observe
from tests.faults.stream import FAMILY_FOUND, SignalStream
from tests.faults.tally import Fault, FaultLine, Observed, missing, tally

FAULTS = (
    ("arrears", DATABASE),
    ("triage", DATABASE),
    ("triage", REGISTER),
    ("placement", DATABASE),
    ("notifications", DATABASE),
    ("monitor", DATABASE),
)
WARM_UP_SECONDS = 3.0


@dataclass
class OutageRun:
    seconds: int
    lines: list[FaultLine]
    bites: dict[tuple[str, str], int]  # transient failures the service reported during its cut
    observed: Observed
    refusals: Counter  # what partners were answered before their signal was accepted
    took: float
    drained_after: float  # seconds from the end of the stream until all arrived and was counted

    @property
    def clean(self) -> bool:
        return all(line.clean for line in self.lines) and all(self.bites.values())


def expected_recipient(kind: str) -> str:
    return GGD if kind == FAMILY_FOUND else EROPAF


def case_key_of(dwelling: str) -> str:
    return household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)


def run_outages(chain: FaultChain, seconds: int, *, run: int, total: int = 2000, gap: float | None = None) -> OutageRun:
    started = time.monotonic()
    gap = gap if gap is not None else (2.0 if seconds <= 60 else 10.0)
    stream_seconds = WARM_UP_SECONDS + len(FAULTS) * (seconds + gap)
    say(f"{seconds}s outages: {total} signals over {stream_seconds:.0f}s ({total / stream_seconds:.1f}/s)")
    stream = SignalStream(chain.url("arrears"), total=total, seconds=stream_seconds, run=f"{chain.prefix}r{run}", base=7_000_000_000 + run * 100_000)
    stream.start()
    begin = time.monotonic()
    faults, bites = [], {}
    for index, (service, dependency) in enumerate(FAULTS):
        _sleep_until(begin + WARM_UP_SECONDS + index * (seconds + gap))  # on the stream's schedule, not drifting
        before = _transient_failures(chain, service, dependency)
        cut_at = time.time()
        chain.proxies[(service, dependency)].cut()
        _sleep_until(begin + WARM_UP_SECONDS + index * (seconds + gap) + seconds)
        bites[(service, dependency)] = _transient_failures(chain, service, dependency) - before
        chain.proxies[(service, dependency)].restore()
        faults.append(Fault(service, dependency, seconds, cut_at, time.time()))
        say(f"  {time.monotonic() - begin:5.0f}s cut {service} {dependency} for {seconds}s: "
            f"{bites[(service, dependency)]} transient failures reported")  # fmt: skip
    if not stream.join(timeout=max(120.0, seconds * 2)):
        say("  the stream did not finish: its signals are counted as lost")
    stream_ended = time.monotonic()
    observed = _drained(chain, stream, timeout=180.0 + seconds)
    drained_after = time.monotonic() - stream_ended
    lines = tally(faults, list(stream.posted), observed, expected_recipient, case_key_of)
    refusals = sum((posted.refusals for posted in stream.posted), Counter())
    return OutageRun(seconds, lines, bites, observed, refusals, time.monotonic() - started, drained_after)


def _drained(chain: FaultChain, stream: SignalStream, timeout: float) -> Observed:
    """Wait until every accepted signal arrived everywhere (or the time is up); then read all."""
    deadline = time.monotonic() + timeout
    while True:
        observed = observe(chain)
        gaps = [
            gap
            for posted in list(stream.posted)
            for gap in missing(posted, observed, expected_recipient(posted.kind), case_key_of(posted.dwelling))
        ]
        if not gaps or time.monotonic() > deadline:
            break
        time.sleep(2.0)
    if gaps:
        say(f"  after {timeout:.0f}s still missing: {dict(Counter(gaps))}")
    time.sleep(2.0)  # late duplicates, if any, get their chance to show
    return observe(chain, with_dead_letters=True)


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def _transient_failures(chain: FaultChain, service: str, dependency: str) -> int:
    """The service's count so far; asked again when a busy service does not answer in time."""
    for _attempt in range(3):
        figures = chain.metrics(service)
        if figures is not None:
            return int(figures.total("signaalketen_transient_failures_total", dependency=dependency))
    return 0


def report(run: OutageRun) -> list[str]:
    """The details beside the lines: that each cut bit, what partners saw, redeliveries, reasons."""
    details = [
        f"{run.seconds}s outages took {run.took:.0f}s (drained and counted {run.drained_after:.0f}s after the stream ended); "
        f"partners were answered {dict(run.refusals)} before acceptance"
    ]
    details += [f"  {service} {dependency}: no transient failure reported during the cut" for (service, dependency), n in run.bites.items() if not n]
    if run.observed.redeliveries:
        details.append(f"  {run.observed.redeliveries} webhook redeliveries of an alert already received (same CloudEvent id)")
    details += [f"  dead letter on {letter.topic}: {letter.reason[:200]}" for letter in run.observed.dead_letters[:10]]
    return details


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
