"""The fault suite's counting: a slice per fault, and what counts as lost, duplicated, dead."""

from collections import Counter

from tests.faults.stream import ARREARS, FAMILY_FOUND, Posted
from tests.faults.tally import DeadLetter, Fault, Observed, tally

GGD, EROPAF = "ggd-amsterdam-vangnet", "vroeg-eropaf-amsterdam"


def everywhere(observed: Observed, signal: str, recipient: str, alert_ids=("a",)) -> None:
    observed.receiver_alerts[signal] = {(recipient, "rule"): set(alert_ids)}
    observed.triage_alerts[signal] = Counter({(recipient, "rule"): 1})
    observed.routed.add(signal)
    observed.counted.add(signal)


def test_each_fault_counts_its_own_slice_of_signals_lost_duplicated_and_dead_lettered():
    faults = [Fault("arrears", "database", 5, 100.0, 105.0), Fault("triage", "register", 5, 110.0, 115.0)]
    posted = [
        Posted(0, ARREARS, "d0", 90.0, "s0"),  # warm-up: the first fault's slice
        Posted(1, ARREARS, "d1", 101.0, "s1"),
        Posted(2, FAMILY_FOUND, "d2", 111.0, "s2"),
        Posted(3, ARREARS, "d3", 112.0, "s3"),
        Posted(4, ARREARS, "d4", 113.0, None),  # never accepted
    ]
    observed = Observed()
    everywhere(observed, "s0", EROPAF)
    everywhere(observed, "s1", EROPAF, alert_ids=("a", "b"))  # alerted twice
    everywhere(observed, "s2", GGD)
    observed.placement_requests["case-d2"] = 1
    everywhere(observed, "s3", EROPAF)
    observed.counted.discard("s3")  # the monitor never counted it
    observed.dead_letters = [DeadLetter(200.0, "s1", "signals.dlq", "x"), DeadLetter(112.5, None, "alerts.dlq", "y")]

    lines = tally(faults, posted, observed, lambda kind: GGD if kind == FAMILY_FOUND else EROPAF, lambda d: f"case-{d}")
    assert [line.text() for line in lines] == [
        "fault arrears database 5s: signals 2, lost 0, duplicate alerts 1, dead letters 1",
        "fault triage register 5s: signals 2, lost 2, duplicate alerts 0, dead letters 1",
    ]
    assert not lines[0].clean and not lines[1].clean


def test_a_family_without_its_shelter_request_is_lost():
    faults = [Fault("placement", "database", 60, 0.0, 60.0)]
    observed = Observed()
    everywhere(observed, "s0", GGD)
    [line] = tally(faults, [Posted(0, FAMILY_FOUND, "d0", 1.0, "s0")], observed, lambda kind: GGD, lambda d: f"case-{d}")
    assert line.lost == 1
    observed.placement_requests["case-d0"] = 2
    [line] = tally(faults, [Posted(0, FAMILY_FOUND, "d0", 1.0, "s0")], observed, lambda kind: GGD, lambda d: f"case-{d}")
    assert (line.lost, line.duplicate_alerts) == (0, 1)
