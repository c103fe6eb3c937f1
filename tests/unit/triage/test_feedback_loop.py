"""Prevention teams report back over HTTP; overdue reports bring a reminder, then an escalation."""

from datetime import timedelta

from shared.contracts import event_types
from tests.support.apps import key
from tests.support.triage import AMSTERDAM_FAMILY, AMSTERDAM_SINGLE, UTRECHT_FAMILY
from tests.support.problems import refusal

EROPAF = "vroeg-eropaf-amsterdam"
MELDPUNT = "meldpunt-zorg-overlast-amsterdam"


async def vroeg_eropaf_alert(triage, dwelling=AMSTERDAM_FAMILY):
    await triage.signal("arrears.reported", dwelling, months=2, amount_eur="1450.00")
    [alert] = triage.alerts(EROPAF)
    return alert


async def report(triage, alert_id, body, team=EROPAF):
    response = await triage.client.post(f"/v1/alerts/{alert_id}/feedback", json=body, headers=key(team))
    await triage.flush()
    return response


def prevention_events(triage, event_type=None):
    return [event.data for event in triage.events("prevention", event_type)]


async def test_the_team_reports_contact_and_both_reports_and_the_signaller_learns_the_window(triage):
    alert = await vroeg_eropaf_alert(triage)
    t0 = triage.clock.now()
    assert alert.intermediate_report_due == t0 + timedelta(days=14)
    assert alert.final_report_due == t0 + timedelta(days=28)
    assert alert.collection_suspended_until == (t0 + timedelta(days=28)).date(), "suspended until the final report"

    triage.clock.advance(days=3)
    contact = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(triage.clock.now().date())})
    assert contact.status_code == 201, contact.text
    await triage.advance(days=10)
    assert (await report(triage, alert.alert_id, {"type": "report-intermediate", "reported_on": str(triage.clock.now().date())})).status_code == 201
    await triage.advance(days=13)
    final_on = triage.clock.now().date()
    final = await report(triage, alert.alert_id, {
        "type": "report-final", "reported_on": str(final_on), "outcome": "debt_help_started", "debt_settlement_pending": True,
    })  # fmt: skip
    assert final.status_code == 201, final.text
    assert final_on.isoformat() == "2026-12-24"
    assert final.json()["collection_suspended_until"] == "2027-09-24", "nine months while the debt settlement is pending"

    kinds = [event.type for event in triage.events("prevention")]
    assert kinds == [event_types.PREVENTION_CONTACT_MADE, event_types.PREVENTION_REPORT_INTERMEDIATE, event_types.PREVENTION_REPORT_FINAL]
    [final_event] = prevention_events(triage, event_types.PREVENTION_REPORT_FINAL)
    assert final_event.signal_id == alert.signal_id and final_event.reported_by == EROPAF
    assert final_event.outcome.value == "debt_help_started" and final_event.debt_settlement_pending is True
    assert "minors" not in final_event.model_dump(), "the signaller's view carries no household details"

    await triage.advance(days=60)
    assert triage.alerts(kind="reminder") == [] and triage.alerts(kind="escalation") == [], "every report came in time"
    case = (await triage.client.get(f"/v1/cases/{alert_id_case(triage)}", headers=key(EROPAF))).json()
    [view] = [a for a in case["alerts"] if a["alert_id"] == str(alert.alert_id)]
    assert view["outcome"] == "debt_help_started" and view["final_report_on"] == str(final_on)
    assert case["prevention_contact_on"] is not None
    assert [e["summary"]["type"] for e in case["timeline"] if e["kind"] == "feedback"] == [
        "contact-made", "report-intermediate", "report-final",
    ]  # fmt: skip


def alert_id_case(triage):
    return triage.case_key(AMSTERDAM_FAMILY)


async def test_an_overdue_report_brings_one_reminder_then_one_escalation(triage):
    alert = await vroeg_eropaf_alert(triage)
    await triage.advance(days=14, minutes=1)
    [reminder] = triage.alerts(kind="reminder")
    assert reminder.recipient == EROPAF and reminder.report.value == "intermediate"
    assert reminder.regarding_alert_id == alert.alert_id and reminder.signal_id == alert.signal_id
    assert reminder.priority.value == "normal" and reminder.trigger.value == "report_overdue"
    assert reminder.due == triage.clock.now() + timedelta(days=3), "answer before it escalates"

    await triage.advance(hours=1)
    assert len(triage.alerts(kind="reminder")) == 1, "a reminder fires once"
    assert triage.alerts(kind="escalation") == []

    await triage.advance(days=3)
    [escalation] = triage.alerts(kind="escalation")
    assert escalation.recipient == MELDPUNT and escalation.priority.value == "urgent"
    assert escalation.regarding_alert_id == alert.alert_id and escalation.report.value == "intermediate"
    await triage.advance(days=1)
    assert len(triage.alerts(kind="escalation")) == 1, "an escalation fires once"

    await triage.advance(days=10)  # day 28: the final report is overdue too
    assert [r.report.value for r in triage.alerts(kind="reminder")] == ["intermediate", "final"]


async def test_the_team_may_answer_on_the_reminder_and_a_final_report_closes_everything(triage):
    alert = await vroeg_eropaf_alert(triage)
    await triage.advance(days=15)
    [reminder] = triage.alerts(kind="reminder")
    answer = await report(triage, reminder.alert_id, {
        "type": "report-final", "reported_on": str(triage.clock.now().date()), "outcome": "arrangement",
    })  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert answer.json()["alert_id"] == str(alert.alert_id), "recorded on the alert the reminder was about"
    assert answer.json()["collection_suspended_until"] == str(triage.clock.now().date()), "arrangement made: collection resumes"
    await triage.advance(days=40)
    assert len(triage.alerts(kind="reminder")) == 1 and triage.alerts(kind="escalation") == []


async def test_only_the_team_the_alert_went_to_may_report_on_it(triage):
    alert = await vroeg_eropaf_alert(triage)
    body = {"type": "contact-made", "reported_on": str(triage.clock.now().date())}
    other_team = await report(triage, alert.alert_id, body, team=MELDPUNT)
    unknown = await report(triage, "00000000-0000-4000-8000-000000000000", body)
    corporation = await report(triage, alert.alert_id, body, team="ymere")
    assert other_team.status_code == unknown.status_code == 404 and refusal(other_team) == refusal(unknown)
    assert corporation.status_code == 403
    assert triage.events("prevention") == []


async def test_bad_feedback_is_refused_naming_the_field(triage):
    alert = await vroeg_eropaf_alert(triage)
    today = triage.clock.now().date()
    future = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(today + timedelta(days=1))})
    assert future.status_code == 400 and future.json()["invalid-params"][0]["loc"] == ["body", "reported_on"]
    outcome = await report(triage, alert.alert_id, {"type": "report-final", "reported_on": str(today), "outcome": "vanished"})
    assert outcome.status_code == 400 and outcome.json()["invalid-params"][0]["loc"][-1] == "outcome"
    kind = await report(triage, alert.alert_id, {"type": "report-early", "reported_on": str(today)})
    assert kind.status_code == 400 and kind.json()["invalid-params"][0]["loc"][-1] == "type"

    assert (await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(today)})).status_code == 201
    again = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(today)})
    assert again.status_code == 409 and again.json()["invalid-params"][0]["loc"] == ["body", "type"]
    assert len(triage.events("prevention")) == 1


async def test_not_reached_by_the_final_report_goes_to_the_meldpunt_in_amsterdam(triage):
    alert = await vroeg_eropaf_alert(triage, AMSTERDAM_SINGLE)
    await triage.advance(days=20)
    final = await report(triage, alert.alert_id, {
        "type": "report-final", "reported_on": str(triage.clock.now().date()), "outcome": "not_reached",
    })  # fmt: skip
    [meldpunt] = triage.alerts(MELDPUNT, kind="prevention")
    assert final.json()["alerts_raised"] == [str(meldpunt.alert_id)]
    assert meldpunt.rule_id == "ams-not-reached" and meldpunt.trigger.value == "feedback"
    assert meldpunt.signal_id == alert.signal_id, "the corporation sees where its signal went next"
    assert meldpunt.final_report_due == triage.clock.now() + timedelta(days=28)


async def test_not_reached_elsewhere_is_recorded_without_a_new_alert(triage):
    await triage.signal("eviction.verdict-issued", UTRECHT_FAMILY, by="mitros", grounds="rent_arrears")
    [alert] = triage.alerts("meldpunt-huurschulden-utrecht")
    response = await report(triage, alert.alert_id, {
        "type": "report-final", "reported_on": str(triage.clock.now().date()), "outcome": "not_reached",
    }, team="meldpunt-huurschulden-utrecht")  # fmt: skip
    assert response.status_code == 201 and response.json()["alerts_raised"] == []
    assert response.json()["collection_suspended_until"] is None, "only Vroeg Eropaf suspends collection"


async def test_the_stadsdeel_team_gets_the_arrears_reads_the_case_and_reports_back_and_the_city_desk_sees_nothing(triage):
    district_team = "vroeg-eropaf-amsterdam-noord"
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00", district="noord")
    [alert] = triage.alerts(district_team)
    assert triage.alerts(EROPAF) == [], "the city-wide desk is not told when the district is known"
    assert alert.intermediate_report_due is not None

    case_key = triage.case_key(AMSTERDAM_FAMILY)
    read = await triage.client.get(f"/v1/cases/{case_key}", params={"purpose": "check"}, headers=key(district_team))
    assert read.status_code == 200, read.text
    other = await triage.client.get(f"/v1/cases/{case_key}", params={"purpose": "check"}, headers=key("vroeg-eropaf-amsterdam-zuid"))
    assert other.status_code == 404, "another stadsdeel's team has no business with this case"
    answer = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(triage.clock.now().date())}, team=district_team)
    assert answer.status_code == 201, answer.text
    [contact] = prevention_events(triage, event_types.PREVENTION_CONTACT_MADE)
    assert contact.reported_by == district_team


async def test_after_midnight_in_amsterdam_the_dutch_date_is_today_not_the_future(triage):
    alert = await vroeg_eropaf_alert(triage)
    triage.clock.set(triage.clock.now().replace(hour=23, minute=30))  # 00:30 the next day in Amsterdam
    dutch_today = triage.clock.now().date() + timedelta(days=1)
    tomorrow = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(dutch_today + timedelta(days=1))})
    assert tomorrow.status_code == 400 and tomorrow.json()["invalid-params"][0]["loc"] == ["body", "reported_on"]
    answer = await report(triage, alert.alert_id, {"type": "contact-made", "reported_on": str(dutch_today)})
    assert answer.status_code == 201, answer.text
