"""Repeats never storm, late signals never alert, and what happens at the door always goes through."""

from datetime import date, timedelta
from decimal import Decimal

from services.triage.domain.repeats import ArrearsLevel, arrears_rose, ends_episode
from services.triage.domain.sequence import is_late, next_stage
from tests.support.triage import AMSTERDAM_FAMILY, AMSTERDAM_SINGLE

D = date(2026, 11, 20)
EROPAF = "vroeg-eropaf-amsterdam"
GGD = "ggd-amsterdam-vangnet"


# --- the pure rules ---------------------------------------------------------


def test_arrears_alert_again_only_when_months_or_amount_rose():
    two = ArrearsLevel(2, Decimal("1450.00"))
    assert arrears_rose(None, two)
    assert not arrears_rose(two, ArrearsLevel(2, Decimal("1450.00")))
    assert not arrears_rose(two, ArrearsLevel(1, Decimal("900.00"))), "partly paid: no alert"
    assert arrears_rose(two, ArrearsLevel(3, Decimal("1450.00")))
    assert arrears_rose(two, ArrearsLevel(2, Decimal("1500.00")))


def test_a_resolution_ends_the_episode():
    assert ends_episode("arrears.resolved", None)
    assert ends_episode("eviction.cancelled", None)
    assert ends_episode("eviction.executed", "paid_at_door") and ends_episode("eviction.executed", "not_executed")
    assert not ends_episode("eviction.executed", "evicted")
    assert not ends_episode("arrears.reported", None)


def test_a_signal_of_an_earlier_stage_observed_before_the_later_one_is_late():
    assert is_late("arrears.reported", D - timedelta(days=30), case_stage=2, case_stage_on=D)
    assert is_late("eviction.scheduled", D - timedelta(days=1), case_stage=4, case_stage_on=D)
    assert not is_late("arrears.reported", D + timedelta(days=30), case_stage=2, case_stage_on=D), "new arrears after a verdict"
    assert not is_late("eviction.verdict-issued", D, case_stage=1, case_stage_on=D + timedelta(days=9)), "a later stage is never late"
    assert not is_late("arrears.reported", D, case_stage=None, case_stage_on=None)


def test_what_happens_at_the_door_is_never_late():
    assert not is_late("eviction.executed", D - timedelta(days=99), case_stage=4, case_stage_on=D)
    assert not is_late("eviction.family-found", D - timedelta(days=99), case_stage=4, case_stage_on=D)
    assert not is_late("eviction.cancelled", D, case_stage=4, case_stage_on=D), "reversed after the family was found"
    assert is_late("eviction.scheduled", D - timedelta(days=1), case_stage=4, case_stage_on=D), "a schedule after its cancellation"


def test_the_stage_is_dated_by_the_latest_observation():
    assert next_stage("eviction.executed", D - timedelta(days=5), D) == (4, D)
    assert next_stage("arrears.reported", D + timedelta(days=3), D) == (1, D + timedelta(days=3))


# --- through the service ------------------------------------------------------


async def test_a_repeated_arrears_signal_updates_the_case_and_alerts_once(triage):
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1200.00")
    assert len(triage.alerts(EROPAF)) == 1

    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=3, amount_eur="2175.00")
    alerts = triage.alerts(EROPAF)
    assert len(alerts) == 2, "the arrears rose: the team hears it"
    assert alerts[1].intermediate_report_due is None, "the team already owes its reports on this household"

    case = (await triage.client.get(f"/v1/cases/{triage.case_key(AMSTERDAM_FAMILY)}", headers={"X-API-Key": f"dev-{EROPAF}"})).json()
    repeats = [entry for entry in case["timeline"] if entry["kind"] == "repeat"]
    assert len(repeats) == 2 and repeats[0]["summary"]["reason"] == "arrears not risen since the last alert"


async def test_after_the_arrears_are_resolved_new_arrears_alert_again(triage):
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, months=2, amount_eur="900.00")
    await triage.signal("arrears.resolved", AMSTERDAM_SINGLE, resolution="paid")
    triage.clock.advance(days=60)
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, months=2, amount_eur="900.00")
    assert len(triage.alerts(EROPAF)) == 2


async def test_a_repeated_eviction_date_alerts_once_and_a_new_date_again(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", eviction_date=today + timedelta(days=30))
    await triage.signal("eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", eviction_date=today + timedelta(days=30))
    assert len(triage.alerts(GGD, rule_id="ams-family-eviction-scheduled")) == 1
    await triage.signal("eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", eviction_date=today + timedelta(days=37))
    assert len(triage.alerts(GGD, rule_id="ams-family-eviction-scheduled")) == 2, "postponed: a new date to plan for"


async def test_a_verdict_before_the_arrears_opens_the_case_and_the_older_arrears_are_recorded_only(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.verdict-issued", AMSTERDAM_SINGLE, observed_on=today, grounds="rent_arrears")
    await triage.signal("arrears.reported", AMSTERDAM_SINGLE, observed_on=today - timedelta(days=40), months=2, amount_eur="900.00")

    assert [a.rule_id for a in triage.alerts()] == ["ams-verdict"], "no Vroeg Eropaf for arrears the verdict overtook"
    case = (await triage.client.get(
        f"/v1/cases/{triage.case_key(AMSTERDAM_SINGLE)}", headers={"X-API-Key": "dev-meldpunt-zorg-overlast-amsterdam"}
    )).json()  # fmt: skip
    assert case["state"] == "signalled"
    [late] = [entry for entry in case["timeline"] if entry["kind"] == "late"]
    assert late["summary"]["type"] == "arrears.reported"


async def test_an_outcome_before_its_schedule_keeps_the_case_and_the_late_schedule_alerts_no_one(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.executed", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", observed_on=today, outcome="evicted")
    await triage.signal(
        "eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", observed_on=today - timedelta(days=10), eviction_date=today
    )
    assert [a.rule_id for a in triage.alerts(GGD)] == ["ams-family-evicted"]
    case = (await triage.client.get(f"/v1/cases/{triage.case_key(AMSTERDAM_FAMILY)}", headers={"X-API-Key": f"dev-{GGD}"})).json()
    assert case["state"] == "awaiting_placement"
    assert len(triage.events("placement-requests")) == 1


async def test_a_family_found_after_the_eviction_was_recorded_asks_for_one_place_not_two(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.executed", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", outcome="evicted")
    await triage.signal(
        "eviction.family-found", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", observed_on=today, adults=2, children_ages=[7, 9]
    )
    assert len(triage.alerts(GGD, rule_id="ams-family-found")) == 1, "what happens at the door always alerts"
    assert len(triage.events("placement-requests")) == 1
