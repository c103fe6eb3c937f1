"""What each event counts for, and how a join settles (pure: no database)."""

from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import Cell, Fact, Family, JoinKind, Location, Profile, rejoin, resolve
from services.monitor.domain.period import Period
from services.monitor.domain.reading import read
from shared.contracts.events.triage import AlertKind, Report
from tests.support import events as s

NOV = Period(2026, 11)


def test_an_executed_eviction_counts_as_a_signal_and_as_its_outcome_waiting_for_the_family():
    event = s.executed(s.on(5), "paid_at_door", district="zuidoost")
    reading = read(event)
    assert [(f.metric, f.outcome) for f in reading.facts] == [(c.SIGNAL, "eviction.executed"), (c.EVICTION, "paid_at_door")]
    fact = reading.facts[1]
    assert fact.location == Location("0363", "zuidoost") and fact.family is None and fact.period == NOV
    assert fact.join.kind is JoinKind.SIGNAL and fact.join.id == event.data.signal_id
    assert reading.profiles == ()


def test_scheduled_and_cancelled_are_the_offered_and_withdrawn_of_table_1():
    assert read(s.scheduled(s.on(5))).facts[1].outcome == c.SCHEDULED
    assert read(s.cancelled(s.on(5))).facts[1].outcome == c.WITHDRAWN


def test_a_verdict_counts_by_its_grounds():
    assert [(f.metric, f.outcome) for f in read(s.verdict(s.on(5), "cannabis")).facts][1] == (c.VERDICT, "cannabis")


def test_the_assessment_offers_the_family_status_for_its_signal_and_counts_nothing():
    signal = s.arrears(s.on(5))
    reading = read(s.assessed(signal, True))
    assert reading.facts == ()
    [(key, profile)] = reading.profiles
    assert key.kind is JoinKind.SIGNAL and key.id == signal.data.signal_id and key.single_use
    assert profile == Profile(Location("0363", ""), Family.FAMILY)


def test_an_unknown_household_stays_unknown_not_no_family():
    [(_, profile)] = read(s.assessed(s.arrears(s.on(5)), None)).profiles
    assert profile.family is Family.UNKNOWN


def test_an_alert_counts_by_kind_and_a_prevention_alert_is_a_referral():
    reading = read(s.alert(s.on(5), kind=AlertKind.PREVENTION, is_family=False))
    assert [(f.metric, f.outcome, f.family) for f in reading.facts] == [
        (c.ALERT, "prevention", Family.NO_FAMILY),
        (c.PREVENTION, c.REFERRED, Family.NO_FAMILY),
    ]
    assert reading.profiles[0][0].kind is JoinKind.ALERT


def test_a_reminder_for_a_final_report_counts_as_report_missing():
    reading = read(s.alert(s.on(5), kind=AlertKind.REMINDER, report=Report.FINAL))
    assert (c.PREVENTION, c.REPORT_MISSING) in [(f.metric, f.outcome) for f in reading.facts]
    intermediate = read(s.alert(s.on(5), kind=AlertKind.REMINDER, report=Report.INTERMEDIATE))
    assert (c.PREVENTION, c.REPORT_MISSING) not in [(f.metric, f.outcome) for f in intermediate.facts]


def test_a_final_report_knows_neither_where_nor_who_until_its_alert_is_known():
    alert = s.alert(s.on(5))
    [fact] = read(s.final_report(alert, s.on(20), "debt_help_started")).facts
    assert (fact.metric, fact.outcome, fact.location, fact.family) == (c.PREVENTION, "debt_help_started", None, None)
    assert fact.join.id == alert.data.alert_id
    assert resolve(fact, None) is None, "not countable without a municipality"


def test_placement_requests_carry_the_family_and_later_events_join_on_the_request():
    request = s.requested(s.on(5))
    reading = read(request)
    assert [(f.metric, f.outcome, f.family) for f in reading.facts] == [
        (c.PLACEMENT, c.REQUESTED, Family.FAMILY),
        (c.PLACEMENT_CAUSE, "eviction", Family.FAMILY),
        (c.REFERRAL_SOURCE, "ggd", Family.FAMILY),
    ]
    [(key, _)] = reading.profiles
    assert key.kind is JoinKind.REQUEST and not key.single_use
    [fact] = read(s.placed(request, s.on(6))).facts
    assert (fact.outcome, fact.family, fact.join) == (c.PLACED, None, key)
    ended = read(s.ended(request, s.on(7), "omklap")).facts
    assert [(f.metric, f.outcome) for f in ended] == [(c.PLACEMENT, c.ENDED), (c.OUTFLOW, "omklap")]


def test_the_envelope_subject_is_never_part_of_what_is_counted():
    event = s.executed(s.on(5), "evicted")
    reading = read(event)
    assert event.subject not in repr(reading)


def test_a_fact_counted_as_unknown_moves_to_family_when_its_profile_arrives():
    fact = Fact(c.EVICTION, "evicted", NOV, Location("0363", "noord"))
    profile = Profile(Location("0363", "Centrum"), Family.FAMILY)
    before = Cell("0363", "noord", 2026, 11, c.EVICTION, "evicted", "unknown")
    after = Cell("0363", "noord", 2026, 11, c.EVICTION, "evicted", "family")
    assert resolve(fact, None) == before
    assert rejoin(fact, profile) == [(before, -1), (after, +1)], "the event's own district wins"


def test_a_fact_without_a_place_is_counted_only_when_its_profile_arrives():
    fact = Fact(c.PREVENTION, "refused", NOV)
    profile = Profile(Location("0344", "Zuilen"), Family.NO_FAMILY)
    assert rejoin(fact, profile) == [(Cell("0344", "Zuilen", 2026, 11, c.PREVENTION, "refused", "no_family"), +1)]


def test_an_unknown_family_profile_leaves_an_unknown_fact_where_it_is():
    fact = Fact(c.EVICTION, "evicted", NOV, Location("0363"))
    assert rejoin(fact, Profile(Location("0363"), Family.UNKNOWN)) == []


def test_each_fact_counts_by_its_own_date_not_by_when_it_arrived():
    received = s.on(10, 1, 2027)  # everything below reaches the chain in January 2027
    cases = [
        (s.arrears(s.on(3, 11, 2026)), {c.SIGNAL: Period(2026, 11)}),
        (s.verdict(s.on(3, 10, 2026), "nuisance"), {c.SIGNAL: Period(2026, 10), c.VERDICT: Period(2026, 10)}),
        (s.scheduled(s.on(20, 12, 2026)), {c.SIGNAL: Period(2026, 12), c.EVICTION: Period(2027, 1)}),  # date +20 days
        (s.cancelled(s.on(29, 12, 2026), eviction_date=s.on(4, 1, 2027).date()), {c.SIGNAL: Period(2026, 12), c.EVICTION: Period(2027, 1)}),
        (s.cancelled(s.on(29, 12, 2026)), {c.EVICTION: Period(2026, 12)}),  # no eviction date given: observed_on
        (s.executed(s.on(2, 1, 2027), "evicted", eviction_date=s.on(28, 12, 2026).date()), {c.EVICTION: Period(2026, 12)}),
        (s.executed(s.on(5, 6, 2026), "evicted"), {c.EVICTION: Period(2026, 6)}),
    ]
    for event, periods in cases:
        facts = {f.metric: f.period for f in read(s.with_time(event, received)).facts}
        for metric, period in periods.items():
            assert facts[metric] == period, (event.type, metric)


def test_a_report_counts_by_the_day_it_was_made_and_an_acknowledgement_by_its_moment():
    alert = s.alert(s.on(5, 10))
    report = s.with_time(s.final_report(alert, s.on(30, 10)), s.on(3, 12))
    assert read(report).facts[0].period == Period(2026, 10)
    acknowledged = s.with_time(s.acknowledged(alert, s.on(31, 10, hour=23)), s.on(3, 12))  # 00:00 on 1 November, local
    assert read(acknowledged).facts[0].period == NOV
    assert read(alert).facts[0].period == Period(2026, 10), "an alert counts when triage raised it"
