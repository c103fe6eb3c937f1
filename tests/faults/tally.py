"""Per fault, from what was posted and what was observed: signals, lost, duplicate alerts,
dead letters. Pure: no I/O, so it is tested on its own (tests/unit/faults)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.stream import FAMILY_FOUND, Posted


@dataclass(frozen=True)
class Fault:
    service: str
    dependency: str
    seconds: int
    cut_at: float  # time.time()
    restored_at: float


@dataclass(frozen=True)
class FaultLine:
    fault: Fault
    signals: int
    lost: int
    duplicate_alerts: int
    dead_letters: int

    @property
    def clean(self) -> bool:
        return self.lost == self.duplicate_alerts == self.dead_letters == 0

    def text(self) -> str:
        f = self.fault
        return (
            f"fault {f.service} {f.dependency} {f.seconds}s: signals {self.signals}, lost {self.lost}, "
            f"duplicate alerts {self.duplicate_alerts}, dead letters {self.dead_letters}"
        )


@dataclass(frozen=True)
class DeadLetter:
    at: float  # time.time() of dead-lettering
    event_id: str | None
    topic: str
    reason: str


@dataclass
class Observed:
    """What reached the receivers and the databases, keyed by signal id (case key for placement)."""

    receiver_alerts: dict[str, dict[tuple[str, str], set[str]]] = field(default_factory=dict)  # -> (recipient, rule) -> alert ids
    triage_alerts: dict[str, Counter] = field(default_factory=dict)  # -> (recipient, rule) -> rows
    routed: set[str] = field(default_factory=set)  # the intake stored triage's routing
    counted: set[str] = field(default_factory=set)  # the monitor processed the signal
    placement_requests: Counter = field(default_factory=Counter)  # case key -> requests
    dead_letters: list[DeadLetter] = field(default_factory=list)
    redeliveries: int = 0  # the same alert delivered again (at-least-once; receivers dedupe on its id)


def missing(posted: Posted, observed: Observed, expected_recipient: str, case_key: str | None) -> list[str]:
    """What the chain did not (yet) do for one signal; empty when it arrived everywhere."""
    if posted.signal_id is None:
        return ["never accepted by the intake"]
    signal = posted.signal_id
    gaps = []
    if not any(recipient == expected_recipient for recipient, _ in observed.receiver_alerts.get(signal, {})):
        gaps.append(f"no alert at {expected_recipient}'s webhook")
    if not observed.triage_alerts.get(signal):
        gaps.append("no alert in triage's database")
    if signal not in observed.routed:
        gaps.append("no routing in the intake's database")
    if signal not in observed.counted:
        gaps.append("not counted by the monitor")
    if posted.kind == FAMILY_FOUND and not observed.placement_requests.get(case_key):
        gaps.append("no shelter request in placement's database")
    return gaps


def duplicates(posted: Posted, observed: Observed, case_key: str | None) -> int:
    """Alerts raised (or shelter requests made) more than once for one signal."""
    if posted.signal_id is None:
        return 0
    at_receiver = sum(len(ids) - 1 for ids in observed.receiver_alerts.get(posted.signal_id, {}).values())
    in_triage = sum(count - 1 for count in observed.triage_alerts.get(posted.signal_id, Counter()).values())
    requests = observed.placement_requests.get(case_key, 0) if posted.kind == FAMILY_FOUND else 0
    return max(at_receiver, in_triage) + max(requests - 1, 0)


def tally(faults: list[Fault], posted: list[Posted], observed: Observed, expected, case_key_of) -> list[FaultLine]:
    """One line per fault; each counts the signals first posted from its cut to the next fault's cut."""
    starts = [fault.cut_at for fault in faults[1:]]

    def slice_of(moment: float) -> int:
        return bisect_right(starts, moment)

    signals, lost, dups, dead = Counter(), Counter(), Counter(), Counter()
    slice_by_signal = {}
    for item in posted:
        index = slice_of(item.first_attempt)
        if item.signal_id is not None:
            slice_by_signal[item.signal_id] = index
        case_key = case_key_of(item.dwelling) if item.kind == FAMILY_FOUND else None
        signals[index] += item.signal_id is not None
        lost[index] += bool(missing(item, observed, expected(item.kind), case_key))
        dups[index] += duplicates(item, observed, case_key)
    for letter in observed.dead_letters:
        dead[slice_by_signal.get(letter.event_id, slice_of(letter.at))] += 1
    return [FaultLine(fault, signals[i], lost[i], dups[i], dead[i]) for i, fault in enumerate(faults)]
