"""Did prevention prevent the eviction? Triage follows every prevention alert for a year
and records what happened at the dwelling: published at once when the household is
evicted, else when the window closes."""

from datetime import timedelta

import pytest

from shared.contracts import event_types
from shared.contracts.events.follow_up import CaseOutcome
from services.triage.domain.follow_up import MOVES, OUTCOME_AT_CLOSE, FollowUpState, Sighting, moved, sighting
from tests.support.follow_up import ARREARS, TEAM, close_windows
from tests.support.triage import AMSTERDAM_FAMILY, AMSTERDAM_SINGLE


def followed_up(triage) -> list:
    return [event for event in triage.events("triage", event_types.PREVENTION_FOLLOWED_UP)]


async def test_a_prevention_alert_with_nothing_after_it_ends_as_no_eviction_with_its_report_missing(triage):
    alerted_at = triage.clock.now()
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, **ARREARS)
    [alert] = triage.alerts("vroeg-eropaf-amsterdam")
    await close_windows(triage, 364)
    assert followed_up(triage) == [], "the window is still open"

    await close_windows(triage, 2)
    [event] = followed_up(triage)
    assert event.subject == triage.case_key(AMSTERDAM_SINGLE)
    assert (event.data.alert_id, event.data.outcome, event.data.report_missing) == (alert.alert_id, CaseOutcome.NO_EVICTION, True)
    assert event.data.alerted_at == alerted_at and event.data.municipality_code == "0363"
    assert event.data.followed_until == (alerted_at + timedelta(days=365)).date()


async def test_an_eviction_called_off_and_a_final_report_in_time(triage):
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, **ARREARS)
    [alert] = triage.alerts("vroeg-eropaf-amsterdam")
    report = {"type": "report-final", "reported_on": triage.clock.now().date().isoformat(), "outcome": "arrangement"}
    answer = await triage.client.post(f"/v1/alerts/{alert.alert_id}/feedback", json=report, headers=TEAM)
    assert answer.status_code == 201, answer.text
    triage.clock.advance(days=60)
    await triage.signal("eviction.scheduled", AMSTERDAM_SINGLE, by="deurwaarder-amsterdam", eviction_date=triage.clock.now().date() + timedelta(days=20))
    triage.clock.advance(days=17)
    await triage.signal("eviction.cancelled", AMSTERDAM_SINGLE, by="deurwaarder-amsterdam")
    await close_windows(triage, 300)
    [event] = followed_up(triage)
    assert (event.data.outcome, event.data.report_missing) == (CaseOutcome.EVICTION_NOT_EXECUTED, False)


async def test_an_eviction_carried_out_is_recorded_at_once_and_nothing_later_changes_it(triage):
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, **ARREARS)
    [alert] = triage.alerts("vroeg-eropaf-amsterdam")
    triage.clock.advance(days=5)
    await triage.signal("eviction.executed", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", outcome="evicted")
    [event] = followed_up(triage)
    assert (event.data.alert_id, event.data.outcome) == (alert.alert_id, CaseOutcome.EVICTED)
    assert event.data.report_missing is False, "the final report was not due yet"
    assert event.data.is_family is True

    await triage.signal("eviction.cancelled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam")
    await close_windows(triage, 400)
    assert len(followed_up(triage)) == 1


async def test_an_eviction_scheduled_whose_end_was_never_reported_is_unknown(triage):
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, **ARREARS)
    triage.clock.advance(days=100)
    await triage.signal("eviction.scheduled", AMSTERDAM_SINGLE, by="deurwaarder-amsterdam", eviction_date=triage.clock.now().date() + timedelta(days=30))
    await close_windows(triage, 300)
    [event] = followed_up(triage)
    assert event.data.outcome is CaseOutcome.UNKNOWN


async def test_the_case_timeline_says_what_became_of_the_household(triage):
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, **ARREARS)
    await close_windows(triage, 400)
    case = (await triage.client.get(f"/v1/cases/{triage.case_key(AMSTERDAM_SINGLE)}", headers=TEAM)).json()
    [line] = [entry for entry in case["timeline"] if entry["kind"] == "follow-up"]
    assert line["summary"]["outcome"] == "no_eviction" and line["summary"]["report_missing"] is True


@pytest.mark.parametrize(
    ("signal_type", "outcome", "seen"),
    [
        ("eviction.scheduled", None, Sighting.SCHEDULED),
        ("eviction.family-found", None, Sighting.SCHEDULED),
        ("eviction.cancelled", None, Sighting.CALLED_OFF),
        ("eviction.executed", "paid_at_door", Sighting.CALLED_OFF),
        ("eviction.executed", "not_executed", Sighting.CALLED_OFF),
        ("eviction.executed", "evicted", Sighting.EVICTED),
        ("eviction.executed", "left_unknown_destination", Sighting.EVICTED),
        ("arrears.reported", None, None),
        ("eviction.verdict-issued", None, None),
    ],
)
def test_what_each_signal_says_about_an_eviction(signal_type, outcome, seen):
    assert sighting(signal_type, outcome) is seen


def test_every_state_has_an_outcome_and_only_evicted_is_final():
    assert set(OUTCOME_AT_CLOSE) == set(FollowUpState) == set(MOVES)
    assert [state for state in FollowUpState if not MOVES[state]] == [FollowUpState.EVICTED]
    assert moved(FollowUpState.EVICTION_CALLED_OFF, Sighting.SCHEDULED) is FollowUpState.EVICTION_SCHEDULED
    assert moved(FollowUpState.EVICTED, Sighting.CALLED_OFF) is FollowUpState.EVICTED
