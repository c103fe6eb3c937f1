"""The other actors' events through triage (in-process): a report of concern and the
bemoeizorg team's home visits, the corporation's own contact attempts, a relapse after
housing support, and the safety-net plan before an eviction."""

from datetime import timedelta
from uuid import UUID

from shared.contracts import event_types
from tests.support.apps import key
from tests.support.triage import LEEUWARDEN_FAMILY, OSS_FAMILY


async def read(triage, dwelling, organisation):
    answer = await triage.client.get(f"/v1/cases/{triage.case_key(dwelling)}", headers=key(organisation))
    assert answer.status_code == 200, answer.text
    return answer.json()


async def visit(triage, alert_id, body, team="bemoeizorg-oss"):
    return await triage.client.post(
        f"/v1/alerts/{alert_id}/feedback", json={"reported_on": str(triage.clock.now().date()), **body}, headers=key(team)
    )


async def test_a_concern_report_reaches_bemoeizorg_and_home_visits_count_as_contact_once_met(triage):
    await triage.signal("concern.reported", OSS_FAMILY, by="gemeente-oss", concerns=["nuisance", "neglect", "care_avoidance"])
    [alert] = triage.alerts("bemoeizorg-oss")
    assert alert.rule_id == "oss-family-concern" and alert.priority.value == "urgent" and alert.is_family is True
    assert alert.signal_type == "concern.reported" and alert.minors == 3

    not_home = await visit(triage, alert.alert_id, {"type": "home-visit", "visitors": 2, "met_household": False})
    assert not_home.status_code == 201, not_home.text
    assert (await read(triage, OSS_FAMILY, "bemoeizorg-oss"))["prevention_contact_on"] is None
    met = await visit(triage, alert.alert_id, {"type": "home-visit", "visitors": 2, "met_household": True})
    assert met.status_code == 201, met.text
    again = await visit(triage, alert.alert_id, {"type": "contact-made"})
    assert again.status_code == 409, "the visit that met the household was the contact"

    await triage.flush()
    visits = [e.data for e in triage.events("prevention", event_types.PREVENTION_HOME_VISIT)]
    assert [(v.visitors, v.met_household) for v in visits] == [(2, False), (2, True)]
    [contact] = triage.events("prevention", event_types.PREVENTION_CONTACT_MADE)
    assert contact.data.alert_id == alert.alert_id
    case = await read(triage, OSS_FAMILY, "bemoeizorg-oss")
    assert case["prevention_contact_on"] == str(triage.clock.now().date()) and case["state"] == "signalled"
    lines = [e["summary"] for e in case["timeline"] if e["kind"] == "feedback"]
    assert [(line["type"], line["met_household"]) for line in lines] == [("home-visit", False), ("home-visit", True)]

    final = await visit(triage, alert.alert_id, {"type": "report-final", "outcome": "refused"})
    assert final.status_code == 201
    assert (await visit(triage, alert.alert_id, {"type": "home-visit", "visitors": 1, "met_household": True})).status_code == 409


async def test_a_concern_alongside_an_eviction_keeps_the_case_where_it_is_and_is_never_late(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.scheduled", OSS_FAMILY, by="deurwaarder-noord", eviction_date=today + timedelta(days=40))
    await triage.signal("concern.reported", OSS_FAMILY, by="politie-noord-nederland", observed_on=today - timedelta(days=3), concerns=["children"])
    case = await read(triage, OSS_FAMILY, "ggd-hart-voor-brabant")
    assert case["state"] == "eviction_scheduled"
    assert [e["kind"] for e in case["timeline"]].count("late") == 0
    assert [a.rule_id for a in triage.alerts("bemoeizorg-oss")] == ["oss-family-concern"]
    earlier = await triage.signal("arrears.reported", OSS_FAMILY, by="brabantwonen", observed_on=today - timedelta(days=1), months=3, amount_eur="1900.00")
    assert triage.alerts(signal_id=UUID(earlier)) == [], "arrears from before the schedule are still late: the concern moved no stage"


async def test_the_corporations_contact_is_recorded_and_reaching_the_tenant_counts_as_prevention(triage):
    await triage.signal("corporation.contact-attempted", OSS_FAMILY, by="brabantwonen", method="letter", result="not_reached")
    assert (await triage.client.get(f"/v1/cases/{triage.case_key(OSS_FAMILY)}", headers=key("ggd-hart-voor-brabant"))).status_code == 404
    await triage.signal("corporation.contact-attempted", OSS_FAMILY, by="brabantwonen", method="visit", result="arrangement")
    assert triage.alerts() == [], "the corporation's own outreach alerts no one"
    await triage.signal("arrears.reported", OSS_FAMILY, by="brabantwonen", months=2, amount_eur="1300.00")
    case = await read(triage, OSS_FAMILY, "werk-inkomen-oss")
    assert case["prevention_contact_on"] == str(triage.clock.now().date())
    decisions = [e["summary"]["rule"] for e in case["timeline"] if e["kind"] == "decision"]
    assert decisions == ["oss-no-action", "oss-no-action", "oss-two-months"]


async def test_a_relapse_alerts_the_ggd_and_the_eviction_that_follows_takes_its_course(triage):
    today = triage.clock.now().date()
    await triage.signal("eviction.verdict-issued", OSS_FAMILY, by="brabantwonen", grounds="rent_arrears", last_chance=True)
    await triage.signal("support.relapsed", OSS_FAMILY, by="verdihuis", support_started_on=today - timedelta(days=600))
    [ggd] = triage.alerts("ggd-hart-voor-brabant", rule_id="oss-family-relapse")
    assert ggd.kind.value == "urgent_outreach" and ggd.priority.value == "urgent"
    assert ggd.due == triage.clock.now() + timedelta(hours=72)
    assert [a.rule_id for a in triage.alerts("werk-inkomen-oss")] == ["oss-verdict", "oss-family-relapse"]
    await triage.signal("eviction.scheduled", OSS_FAMILY, by="deurwaarder-noord", eviction_date=today + timedelta(days=20))
    [planned] = triage.alerts("ggd-hart-voor-brabant", rule_id="oss-family-eviction-scheduled")
    assert planned.priority.value == "urgent"
    case = await read(triage, OSS_FAMILY, "ggd-hart-voor-brabant")
    assert case["state"] == "eviction_scheduled"


async def test_a_safety_net_plan_is_refused_naming_the_field_when_it_does_not_fit_the_case(triage):
    today = triage.clock.now().date()
    url = f"/v1/cases/{triage.case_key(LEEUWARDEN_FAMILY)}/safety-net-plan"
    plan = {"eviction_date": str(today + timedelta(days=30)), "made_on": str(today), "arrangements": ["own_network"]}
    await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=2, amount_eur="900.00")
    no_eviction = await triage.client.post(url, json=plan, headers=key("sociaal-team-leeuwarden"))
    assert no_eviction.status_code == 409 and no_eviction.json()["invalid-params"][0]["name"] == "eviction_date"

    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date=today + timedelta(days=30))
    other_date = await triage.client.post(url, json={**plan, "eviction_date": str(today + timedelta(days=31))}, headers=key("sociaal-team-leeuwarden"))
    future = await triage.client.post(url, json={**plan, "made_on": str(today + timedelta(days=2))}, headers=key("sociaal-team-leeuwarden"))
    stranger = await triage.client.post(url, json=plan, headers=key("bemoeizorg-oss"))
    empty = await triage.client.post(url, json={**plan, "arrangements": []}, headers=key("sociaal-team-leeuwarden"))
    assert other_date.status_code == 409 and future.status_code == 400 and stranger.status_code == 404 and empty.status_code == 400
    assert future.json()["invalid-params"][0]["name"] == "made_on"
    made = await triage.client.post(url, json=plan, headers=key("sociaal-team-leeuwarden"))
    revised = await triage.client.post(url, json={**plan, "arrangements": ["shelter_place"]}, headers=key("sociaal-team-leeuwarden"))
    assert made.status_code == revised.status_code == 201
    await triage.flush()
    first, second = triage.events("triage", event_types.SAFETY_NET_PLAN_MADE)
    assert first.data.made_by == "sociaal-team-leeuwarden" and [a.value for a in first.data.arrangements] == ["own_network"]
    assert [a.value for a in second.data.arrangements] == ["shelter_place"]
    assert first.subject == triage.case_key(LEEUWARDEN_FAMILY)
    assert (first.data.revised, second.data.revised) == (False, True), "the monitor counts a revision apart"
    assert first.data.is_family is True and first.data.municipality_code == "0080"
    case = await read(triage, LEEUWARDEN_FAMILY, "sociaal-team-leeuwarden")
    assert [e["summary"]["revised"] for e in case["timeline"] if e["kind"] == "safety-net-plan"] == [False, True]
