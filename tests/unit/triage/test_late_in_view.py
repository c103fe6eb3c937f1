"""Late in view: an eviction close by for a family without a safety-net plan alerts the GGD urgently,
on the day it comes within the window; Leeuwarden's corporations hear about children."""

from datetime import datetime, time, timedelta

from tests.support.apps import key
from tests.support.triage import AMSTERDAM_FAMILY, LEEUWARDEN_FAMILY, OSS_FAMILY, UTRECHT_FAMILY

RULE = "late-in-view-eviction-near"


def near_alerts(triage, recipient):
    return triage.alerts(recipient, rule_id=RULE)


async def test_an_eviction_far_ahead_alerts_the_ggd_on_the_day_it_comes_within_the_window(triage):
    today = triage.clock.now().date()
    eviction = today + timedelta(days=30)
    await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=2, amount_eur="1100.00")
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=eviction)
    assert near_alerts(triage, "ggd-fryslan") == [], "thirty days ahead: the social team has time"

    await triage.advance(days=15, hours=12)  # 14.5 days before the eviction
    assert near_alerts(triage, "ggd-fryslan") == []
    await triage.advance(hours=15)  # the window opened at midnight, 14 days before
    [urgent] = near_alerts(triage, "ggd-fryslan")
    assert urgent.priority.value == "urgent" and urgent.kind.value == "urgent_outreach"
    assert urgent.trigger.value == "eviction_near" and urgent.signal_type == "eviction.scheduled"
    assert urgent.is_family is True and urgent.minors == 2
    assert urgent.due == triage.clock.now() + timedelta(hours=24)

    await triage.advance(days=5)
    assert len(near_alerts(triage, "ggd-fryslan")) == 1, "the check runs once per eviction date"


async def test_an_eviction_within_the_window_alerts_the_ggd_at_once_even_when_routed_elsewhere(triage):
    eviction = triage.clock.now().date() + timedelta(days=5)
    await triage.signal("eviction.scheduled", UTRECHT_FAMILY, by="deurwaarder-noord", eviction_date=eviction)
    [routed] = triage.alerts("meldpunt-huurschulden-utrecht")
    assert routed.rule_id == "utr-family-verdict"
    [urgent] = near_alerts(triage, "ggd-utrecht")
    morning_before = datetime.combine(eviction - timedelta(days=1), time(8, 0), tzinfo=triage.clock.now().tzinfo)
    assert urgent.due == min(triage.clock.now() + timedelta(hours=24), morning_before)


async def test_no_second_ggd_alert_when_the_rule_already_sent_one(triage):
    await triage.signal("eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", eviction_date=triage.clock.now().date() + timedelta(days=3))
    assert [a.rule_id for a in triage.alerts("ggd-amsterdam-vangnet")] == ["ams-family-eviction-scheduled"]


async def test_a_family_the_team_reached_without_a_safety_net_plan_still_alerts_the_ggd(triage):
    """Recommendation C: the check asks for a plan, not only a contact."""
    await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=2, amount_eur="1300.00")
    [alert] = triage.alerts("sociaal-team-leeuwarden")
    contact = await triage.client.post(
        f"/v1/alerts/{alert.alert_id}/feedback",
        json={"type": "contact-made", "reported_on": str(triage.clock.now().date())},
        headers=key("sociaal-team-leeuwarden"),
    )
    assert contact.status_code == 201
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=triage.clock.now().date() + timedelta(days=7))
    [urgent] = near_alerts(triage, "ggd-fryslan")
    assert "a team reached the family, no safety-net plan" in urgent.reason
    case = (await triage.client.get(f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}", headers=key("sociaal-team-leeuwarden"))).json()
    [check] = [e for e in case["timeline"] if e["kind"] == "late-in-view"]
    assert check["summary"]["alert"] is True and check["summary"]["prevention_contact_on"] is not None
    assert check["summary"]["safety_net_plan_on"] is None


async def test_a_safety_net_plan_before_the_window_opens_means_no_urgent_alert(triage):
    today = triage.clock.now().date()
    eviction = today + timedelta(days=30)
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=eviction)
    plan = {"eviction_date": str(eviction), "made_on": str(today), "arrangements": ["shelter_place", "support_trajectory"]}
    answer = await triage.client.post(
        f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}/safety-net-plan", json=plan, headers=key("sociaal-team-leeuwarden")
    )
    assert answer.status_code == 201, answer.text
    await triage.advance(days=17)
    assert near_alerts(triage, "ggd-fryslan") == []
    case = (await triage.client.get(f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}", headers=key("sociaal-team-leeuwarden"))).json()
    assert case["safety_net_plan_on"] == str(today)
    [check] = [e for e in case["timeline"] if e["kind"] == "late-in-view"]
    assert check["summary"]["alert"] is False and check["summary"]["safety_net_plan_on"] == str(today)
    [entry] = [e for e in case["timeline"] if e["kind"] == "safety-net-plan"]
    assert entry["summary"]["made_by"] == "sociaal-team-leeuwarden"
    assert entry["summary"]["arrangements"] == ["shelter_place", "support_trajectory"]


async def test_a_new_eviction_date_needs_a_new_plan(triage):
    today = triage.clock.now().date()
    first = today + timedelta(days=30)
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=first)
    plan = {"eviction_date": str(first), "made_on": str(today), "arrangements": ["own_network"]}
    url = f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}/safety-net-plan"
    assert (await triage.client.post(url, json=plan, headers=key("sociaal-team-leeuwarden"))).status_code == 201
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=today + timedelta(days=10))
    [urgent] = near_alerts(triage, "ggd-fryslan")
    assert urgent.priority.value == "urgent"


async def test_a_cancelled_eviction_is_not_watched_any_more(triage):
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=triage.clock.now().date() + timedelta(days=20))
    await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="woonfriesland")
    await triage.advance(days=10)
    assert near_alerts(triage, "ggd-fryslan") == []


async def test_leeuwarden_tells_the_corporation_that_children_live_there_without_their_ages(triage):
    await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=1, amount_eur="550.00")
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=triage.clock.now().date() + timedelta(days=30))
    [team] = triage.alerts("sociaal-team-leeuwarden", rule_id="lwd-family-eviction-scheduled")
    [corporation] = triage.alerts("woonfriesland")
    assert corporation.rule_id == team.rule_id and corporation.priority.value == "urgent"
    assert corporation.is_family is True and corporation.minors == 2 and corporation.minor_ages == []
    assert team.minor_ages == [8, 12]
    assert corporation.intermediate_report_due is None, "a copy owes no reports"
    case = await triage.client.get(f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}", headers=key("woonfriesland"))
    assert case.status_code == 403, "the corporation never reads the case"


async def test_lost_from_view_when_a_family_left_with_destination_unknown(triage):
    await triage.signal("eviction.executed", OSS_FAMILY, by="deurwaarder-noord", outcome="left_unknown_destination")
    [alert] = triage.alerts("ggd-hart-voor-brabant")
    assert alert.kind.value == "lost_from_view" and alert.priority.value == "urgent"
    case = (await triage.client.get(f"/v1/cases/{triage.case_key(OSS_FAMILY)}", headers=key("ggd-hart-voor-brabant"))).json()
    assert case["state"] == "lost_from_view"
