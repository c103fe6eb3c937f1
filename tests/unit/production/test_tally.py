"""The production check's verdict (tests/production/tally.py): what counts as lost, as a
duplicate alert or case, and the one line it ends with."""

from __future__ import annotations

import re
from collections import Counter

from tests.production.tally import Observed, verdict

LINE = re.compile(
    r"^production-check: signals (\d+), lost (\d+), duplicate alerts after dedupe (\d+), "
    r"duplicate cases (\d+), raw duplicate deliveries (\d+), wall (\d+) s$"
)


def observed(**changes) -> Observed:
    accepted = {n: f"s{n}" for n in range(4)}
    base = dict(
        total=4, accepted=accepted, stored=set(accepted.values()), alerts_at_receiver=Counter(accepted.values()),
        alerts_in_triage=Counter(accepted.values()), deliveries=Counter({f"e{n}": 1 for n in range(4)}), cases=6, dwellings=6,
    )  # fmt: skip
    return Observed(**{**base, **changes})


def test_everything_once_passes_and_prints_the_line():
    result = verdict(observed())
    assert result.passed
    assert LINE.match(result.line(123.4)).groups() == ("4", "0", "0", "0", "0", "123")


def test_a_signal_never_accepted_not_stored_or_never_alerted_is_lost():
    seen = observed()
    never_accepted = {n: s for n, s in seen.accepted.items() if n != 0}
    result = verdict(observed(accepted=never_accepted, stored=seen.stored - {"s1"}, alerts_at_receiver=Counter(["s0", "s1", "s3"])))
    assert (result.lost, result.passed) == (3, False)  # 0 not accepted, 1 not stored, 2 no alert


def test_a_second_alert_for_one_signal_is_a_duplicate_at_the_receiver_or_in_triage():
    at_receiver = Counter({"s0": 2, "s1": 1, "s2": 1, "s3": 1})
    in_triage = Counter({"s0": 2, "s1": 1, "s2": 3, "s3": 1})
    result = verdict(observed(alerts_at_receiver=at_receiver, alerts_in_triage=in_triage))
    assert (result.duplicate_alerts, result.lost, result.passed) == (1 + 2, 0, False)


def test_more_cases_than_dwellings_are_duplicates():
    assert verdict(observed(cases=8)).duplicate_cases == 2
    assert not verdict(observed(cases=8)).passed


def test_repeated_deliveries_of_one_event_are_reported_and_allowed():
    result = verdict(observed(deliveries=Counter({"e0": 3, "e1": 1})))
    assert (result.raw_duplicates, result.passed) == (2, True)
