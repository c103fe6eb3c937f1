"""The report's Amsterdam scenarios (docs/domain.md#scenarios) through the real services on Kafka:
the family eviction, the last-chance route, and the Vroeg Eropaf path with its 14- and
28-day reports and its "not reached" variant. Each asserts who was alerted, with what
priority and by when; deadlines pass by moving every service's clock.

The tests share one chain and run in file order: the two without a clock move first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.triage.domain.feedback import add_months
from tests.e2e.conftest import advance_clocks
from tests.support.scenarios import (
    alerts,
    due_after,
    post_signal,
    read_case,
    service_now,
    subscribe_teams,
    the_alert,
)
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]
CHAIN_ENV = {"TRIAGE_TIMER_INTERVAL_SECONDS": "0.5", "TRIAGE_REPORT_ESCALATION_DAYS": "3", "TRIAGE_URGENT_WINDOW_DAYS": "14"}

FAMILY = "0363010001004477"  # official test persons: two parents, children born 1999-2019
SINGLE = "0363010001014485"  # official test persons: one adult
ONE_PARENT_FAMILY = "0363019999000001"  # our fixture: a mother and two children (secrecy)
UNREGISTERED = "0363010000999002"  # nobody registered there
DAY = 24 * 3600

GGD, EROPAF, MELDPUNT = "ggd-amsterdam-vangnet", "vroeg-eropaf-amsterdam", "meldpunt-zorg-overlast-amsterdam"


@pytest.fixture(scope="module", autouse=True)
def subscriptions(chain):
    subscribe_teams(chain, (GGD, EROPAF, MELDPUNT, "ymere", "eigen-haard"))








def report(chain, team: str, alert_id: str, body: dict) -> dict:
    with chain.client("triage", team) as client:
        response = client.post(f"/v1/alerts/{alert_id}/feedback", json={"reported_on": str(service_now(chain).date()), **body})
    assert response.status_code == 201, response.text
    return response.json()


def signal_status(chain, corporation: str, signal_id: str, ready) -> dict:
    with chain.client("arrears", corporation) as client:
        return eventually(lambda: ready(body := client.get(f"/v1/signals/{signal_id}").json()) and body, what="signal status")



def test_family_eviction_in_amsterdam_alerts_ggd_vangnet_every_time(chain):
    """docs/domain.md#a-family-evicted-in-amsterdam: an eviction date for a family, the eviction, the bailiff reporting the children."""
    start = service_now(chain)
    scheduled = post_signal(chain, "deurwaarder-amsterdam", ONE_PARENT_FAMILY, {
        "type": "eviction.scheduled", "eviction_date": str((start + timedelta(days=10)).date()),
    })  # fmt: skip
    planned = the_alert(chain, GGD, "GGD alert for the eviction date", signal_id=scheduled)
    assert planned["rule_id"] == "ams-family-eviction-scheduled" and planned["priority"] == "urgent"
    assert planned["is_family"] is True and planned["minors"] == 2
    assert due_after(planned, start, timedelta(hours=24)), planned["due"]

    start = service_now(chain)
    evicted = post_signal(chain, "deurwaarder-amsterdam", ONE_PARENT_FAMILY, {"type": "eviction.executed", "outcome": "evicted"})
    tonight = the_alert(chain, GGD, "GGD alert for the eviction", signal_id=evicted)
    assert tonight["rule_id"] == "ams-family-evicted" and tonight["kind"] == "urgent_outreach"
    assert tonight["priority"] == "urgent" and due_after(tonight, start, timedelta(hours=2))

    start = service_now(chain)
    found = post_signal(chain, "deurwaarder-amsterdam", ONE_PARENT_FAMILY, {
        "type": "eviction.family-found", "adults": 1, "children_ages": [5, 7],
    })  # fmt: skip
    at_door = the_alert(chain, GGD, "GGD alert for the children at the door", signal_id=found)
    assert at_door["rule_id"] == "ams-family-found" and due_after(at_door, start, timedelta(hours=1))

    case = eventually(
        lambda: (c := read_case(chain, GGD, ONE_PARENT_FAMILY))["case_lead"] and c, what="GGD leads until placement"
    )
    assert case["case_lead"] == GGD and case["state"] in ("awaiting_placement", "placed")
    requests = [entry for entry in case["timeline"] if entry["kind"] == "placement" and "requested_by" in entry["summary"]]
    assert len(requests) == 1, "one place asked for, not one per signal"
    assert len(alerts(chain, GGD, signal_id=scheduled)) == 1, "no second urgent alert for the same eviction"
    assert alerts(chain, EROPAF) == [] and alerts(chain, "ymere") == []


def test_last_chance_route_groot_overleg_then_ggd_arranges_the_conditional_dwelling(chain):
    """docs/domain.md#last-chance-in-amsterdam: nuisance, a verdict with a last-chance clause, the eviction as a step to a conditional dwelling."""
    start = service_now(chain)
    verdict = post_signal(chain, "ymere", UNREGISTERED, {"type": "eviction.verdict-issued", "grounds": "nuisance", "last_chance": True})
    overleg = the_alert(chain, MELDPUNT, "Meldpunt alert for the last-chance verdict", signal_id=verdict)
    told = the_alert(chain, GGD, "GGD told of the last-chance verdict", signal_id=verdict)
    assert overleg["rule_id"] == told["rule_id"] == "ams-last-chance-verdict"
    assert overleg["priority"] == "normal" and due_after(overleg, start, timedelta(days=7))
    assert due_after(overleg | {"due": overleg["final_report_due"]}, start, timedelta(days=28))
    assert told["final_report_due"] is None, "the copy owes no reports"

    post_signal(chain, "deurwaarder-amsterdam", UNREGISTERED, {
        "type": "eviction.scheduled", "eviction_date": str((start + timedelta(days=21)).date()),
    })  # fmt: skip
    start = service_now(chain)
    evicted = post_signal(chain, "deurwaarder-amsterdam", UNREGISTERED, {"type": "eviction.executed", "outcome": "evicted"})
    move = the_alert(chain, GGD, "GGD alert to move the household into the conditional dwelling", signal_id=evicted)
    assert move["rule_id"] == "ams-last-chance-evicted" and move["priority"] == "urgent"
    assert due_after(move, start, timedelta(hours=24))
    case = read_case(chain, MELDPUNT, UNREGISTERED)
    assert [e["summary"]["rule"] for e in case["timeline"] if e["kind"] == "decision"] == [
        "ams-last-chance-verdict", "ams-no-action", "ams-last-chance-evicted",
    ]  # fmt: skip


def test_vroeg_eropaf_reports_at_14_and_28_days_and_the_not_reached_variant(chain):
    """docs/domain.md#vroeg-eropaf-reached-and-not-reached-amsterdam: two households reported at two months on the same day. The family is reached:
    contact, interim report, final report with a debt settlement, collection suspended. The
    other tenant is not reached: reminder, escalation, final "not reached", Meldpunt."""
    t0 = service_now(chain)
    arrears = {"type": "arrears.reported", "months": 2, "amount_eur": "1450.00"}
    family_signal = post_signal(chain, "ymere", FAMILY, arrears)
    single_signal = post_signal(chain, "eigen-haard", SINGLE, arrears)
    family = the_alert(chain, EROPAF, "Vroeg Eropaf alert for the family", signal_id=family_signal)
    single = the_alert(chain, EROPAF, "Vroeg Eropaf alert for the tenant", signal_id=single_signal)
    for alert in (family, single):
        assert alert["rule_id"] == "ams-arrears-vroeg-eropaf" and alert["priority"] == "normal"
        assert due_after(alert, t0, timedelta(days=14))
        assert due_after(alert | {"due": alert["intermediate_report_due"]}, t0, timedelta(days=14))
        assert due_after(alert | {"due": alert["final_report_due"]}, t0, timedelta(days=28))
    assert family["is_family"] is True and single["is_family"] is False
    suspended = signal_status(chain, "ymere", family_signal, lambda s: s["routing"])
    assert suspended["collection_suspended_until"] == datetime.fromisoformat(family["final_report_due"]).date().isoformat()

    advance_clocks(chain, 2 * DAY)
    report(chain, EROPAF, family["alert_id"], {"type": "contact-made"})  # home visit: a child discovered
    advance_clocks(chain, 11 * DAY)
    report(chain, EROPAF, family["alert_id"], {"type": "report-intermediate"})

    advance_clocks(chain, 1 * DAY + 3600)  # day 14: the tenant's interim report is overdue
    reminder = the_alert(chain, EROPAF, "reminder for the missing interim report", kind="reminder")
    assert reminder["regarding_alert_id"] == single["alert_id"] and reminder["report"] == "intermediate"
    assert reminder["priority"] == "normal" and reminder["signal_id"] == single_signal

    advance_clocks(chain, 3 * DAY)  # still nothing three days after the reminder
    escalation = the_alert(chain, MELDPUNT, "escalation of the missing interim report", kind="escalation")
    assert escalation["regarding_alert_id"] == single["alert_id"] and escalation["priority"] == "urgent"

    advance_clocks(chain, 3 * DAY)  # day 20: the tenant was never reached
    start = service_now(chain)
    not_reached = report(chain, EROPAF, single["alert_id"], {"type": "report-final", "outcome": "not_reached"})
    meldpunt = the_alert(chain, MELDPUNT, "Meldpunt alert for the tenant not reached", rule_id="ams-not-reached")
    assert not_reached["alerts_raised"] == [meldpunt["alert_id"]]
    assert meldpunt["signal_id"] == single_signal and meldpunt["kind"] == "prevention" and meldpunt["priority"] == "normal"
    assert due_after(meldpunt, start, timedelta(days=7))
    resumed = signal_status(chain, "eigen-haard", single_signal, lambda s: s["outcome"])
    assert resumed["outcome"] == "not_reached"
    assert resumed["collection_suspended_until"] == str(start.date()), "no contact: collection resumes"
    assert [r["recipient"] for r in resumed["routing"]] == [EROPAF, MELDPUNT]

    advance_clocks(chain, 6 * DAY)  # day 26: the family's final report, on time
    final_on = service_now(chain).date()
    report(chain, EROPAF, family["alert_id"], {
        "type": "report-final", "outcome": "debt_help_started", "debt_settlement_pending": True,
    })  # fmt: skip
    outcome = signal_status(chain, "ymere", family_signal, lambda s: s["outcome"])
    assert outcome["outcome"] == "debt_help_started"
    assert outcome["collection_suspended_until"] == str(add_months(final_on, 9)), "up to 9 months while a debt settlement is pending"
    [route] = outcome["routing"]
    assert route["contact_made_on"] and route["intermediate_report_on"] and route["final_report_on"] == str(final_on)
    assert "minors" not in str(outcome) and "is_family" not in str(outcome)

    advance_clocks(chain, 9 * DAY)  # day 35: the Meldpunt's own interim report is overdue ...
    the_alert(chain, MELDPUNT, "the Meldpunt reminded in its turn", kind="reminder", regarding_alert_id=meldpunt["alert_id"])
    # ... so the timer has looked past day 28: the family's reports all came in time.
    assert alerts(chain, EROPAF, regarding_alert_id=family["alert_id"]) == []
    assert len(alerts(chain, EROPAF, kind="reminder")) == 1 and len(alerts(chain, MELDPUNT, kind="escalation")) == 1
