"""The report's Friesland and Utrecht scenarios (docs/domain.md#scenarios) through the real
services on Kafka: the family that slipped through (found at the eviction), the hidden
family (a later correction to "family"), and a planned family eviction in Leeuwarden
that comes within the urgent window. Each asserts who was alerted, with what priority
and by when.

The tests share one chain and run in file order: the one that moves the clock comes last."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.conftest import advance_clocks
from tests.support.scenarios import (
    alerts,
    case_key,
    due_after,
    post_signal,
    read_case,
    service_now,
    subscribe_teams,
    the_alert,
)
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]
CHAIN_ENV = {"TRIAGE_TIMER_INTERVAL_SECONDS": "0.5", "TRIAGE_URGENT_WINDOW_DAYS": "14"}

FRIESLAND_UNREGISTERED = "0080010000999001"  # nobody registered: the corporation did not know children lived there
LEEUWARDEN_FAMILY = "0080019999000001"  # our fixture: two parents, children born 2014 and 2018
UTRECHT_UNREGISTERED = "0344010000999001"  # a sub-let dwelling: nobody registered
DAY = 24 * 3600

GGD_FRYSLAN, SOCIAAL_TEAM, GGD_UTRECHT, MELDPUNT_HUURSCHULDEN = (
    "ggd-fryslan", "sociaal-team-leeuwarden", "ggd-utrecht", "meldpunt-huurschulden-utrecht",
)  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def subscriptions(chain):
    subscribe_teams(chain, (GGD_FRYSLAN, SOCIAAL_TEAM, "woonfriesland", GGD_UTRECHT, MELDPUNT_HUURSCHULDEN, "mitros"))









def processed_by_triage(chain, organisation: str, dwelling: str, signal_id: str) -> dict:
    """The case once triage has handled the signal (for signals that alert no one)."""
    return eventually(
        lambda: (case := read_case(chain, organisation, dwelling))
        and any(e["kind"] == "signal" and e["summary"]["signal_id"] == signal_id for e in case["timeline"])
        and case,
        what="triage handled the signal",
    )


def test_the_family_that_slipped_through_in_friesland(chain):
    """docs/domain.md#the-family-found-at-the-door-friesland: the corporation did not know children lived there; the eviction crew found them."""
    post_signal(chain, "woonfriesland", FRIESLAND_UNREGISTERED, {"type": "arrears.reported", "months": 3, "amount_eur": "1650.00"})
    team = the_alert(chain, SOCIAAL_TEAM, "the Sociaal Team takes up the arrears", rule_id="lwd-housing-problems")
    assert team["is_family"] is False and team["priority"] == "normal"

    start = service_now(chain)
    scheduled = post_signal(chain, "deurwaarder-noord", FRIESLAND_UNREGISTERED, {
        "type": "eviction.scheduled", "eviction_date": str((start + timedelta(days=7)).date()),
    })  # fmt: skip
    case = processed_by_triage(chain, SOCIAAL_TEAM, FRIESLAND_UNREGISTERED, scheduled)
    assert case["is_family"] is False and alerts(chain, GGD_FRYSLAN) == [], "as far as anyone knew: no family"

    start = service_now(chain)
    found = post_signal(chain, "deurwaarder-noord", FRIESLAND_UNREGISTERED, {
        "type": "eviction.family-found", "adults": 2, "children_ages": [4, 9],
    })  # fmt: skip
    help_now = the_alert(chain, GGD_FRYSLAN, "GGD called in at once", signal_id=found)
    assert help_now["rule_id"] == "lwd-family-found" and help_now["priority"] == "urgent"
    assert help_now["kind"] == "urgent_outreach" and due_after(help_now, start, timedelta(hours=1))
    assert help_now["minor_ages"] == [4, 9]
    corporation = the_alert(chain, "woonfriesland", "the corporation told: no family evictions", signal_id=found)
    assert corporation["priority"] == "urgent" and corporation["minors"] == 2 and corporation["minor_ages"] == []

    cancelled = post_signal(chain, "woonfriesland", FRIESLAND_UNREGISTERED, {"type": "eviction.cancelled", "reason": "family found: reversed"})
    case = processed_by_triage(chain, GGD_FRYSLAN, FRIESLAND_UNREGISTERED, cancelled)
    assert case["state"] == "resolved", "eviction reversed"
    assert case["is_family"] is True and case["composition_source"] == "reported_at_eviction"


def test_the_hidden_family_is_corrected_later_and_the_ggd_alerted(chain):
    """docs/domain.md#the-hidden-family-utrecht: evicted for subletting, he declared he lived alone; his daughter of 16 was hidden."""
    start = service_now(chain)
    verdict = post_signal(chain, "mitros", UTRECHT_UNREGISTERED, {"type": "eviction.verdict-issued", "grounds": "subletting"})
    meldpunt = the_alert(chain, MELDPUNT_HUURSCHULDEN, "Meldpunt Huurschulden intake", signal_id=verdict)
    assert meldpunt["rule_id"] == "utr-verdict" and meldpunt["priority"] == "normal" and meldpunt["is_family"] is False
    assert due_after(meldpunt, start, timedelta(days=14))

    evicted = post_signal(chain, "deurwaarder-noord", UTRECHT_UNREGISTERED, {"type": "eviction.executed", "outcome": "evicted"})
    processed_by_triage(chain, MELDPUNT_HUURSCHULDEN, UTRECHT_UNREGISTERED, evicted)
    assert alerts(chain, GGD_UTRECHT) == [], "a single man evicted: no GGD"

    start = service_now(chain)
    correction = {"adults": 1, "children_ages": [16], "reason": "daughter placed with his brother before the eviction"}
    with chain.client("triage", MELDPUNT_HUURSCHULDEN) as client:
        response = client.post(f"/v1/cases/{case_key(UTRECHT_UNREGISTERED)}/composition", json=correction)
    assert response.status_code == 200, response.text
    assert response.json()["is_family"] is True and response.json()["placement_requested"] is True

    ggd = the_alert(chain, GGD_UTRECHT, "GGD alerted once it is a family", signal_id=evicted)
    assert ggd["rule_id"] == "utr-family-evicted" and ggd["priority"] == "urgent" and ggd["trigger"] == "composition_corrected"
    assert ggd["is_family"] is True and ggd["minor_ages"] == [16] and due_after(ggd, start, timedelta(hours=2))
    case = read_case(chain, GGD_UTRECHT, UTRECHT_UNREGISTERED)
    [entry] = [e for e in case["timeline"] if e["kind"] == "composition"]
    assert entry["summary"]["corrected_by"] == MELDPUNT_HUURSCHULDEN and entry["summary"]["reason"] == correction["reason"]
    assert case["case_lead"] == GGD_UTRECHT and alerts(chain, "mitros") == []


def test_a_planned_family_eviction_in_leeuwarden_tells_the_corporation_and_alerts_ggd_when_it_comes_close(chain):
    """Leeuwarden: no family evictions. Thirty days ahead the social team and the corporation
    hear of it; when it is fourteen days away and no team has reached the family, GGD Fryslân."""
    post_signal(chain, "woonfriesland", LEEUWARDEN_FAMILY, {"type": "arrears.reported", "months": 2, "amount_eur": "1100.00"})
    the_alert(chain, SOCIAAL_TEAM, "Sociaal Team alert for the arrears", rule_id="lwd-housing-problems", is_family=True)
    start = service_now(chain)
    eviction_date = (start + timedelta(days=30)).date()
    scheduled = post_signal(chain, "deurwaarder-noord", LEEUWARDEN_FAMILY, {"type": "eviction.scheduled", "eviction_date": str(eviction_date)})
    team = the_alert(chain, SOCIAAL_TEAM, "Sociaal Team alert for the planned eviction", signal_id=scheduled)
    told = the_alert(chain, "woonfriesland", "the corporation told children live there", signal_id=scheduled)
    assert team["rule_id"] == told["rule_id"] == "lwd-family-eviction-scheduled"
    assert team["priority"] == told["priority"] == "urgent" and due_after(team, start, timedelta(hours=24))
    assert told["is_family"] is True and told["minor_ages"] == []
    assert alerts(chain, GGD_FRYSLAN, signal_id=scheduled) == []

    before = service_now(chain)
    advance_clocks(chain, 17 * DAY)  # thirteen days before the eviction, nobody reached the family
    urgent = the_alert(chain, GGD_FRYSLAN, "urgent GGD alert: eviction near, family not reached", signal_id=scheduled)
    raised_by = service_now(chain)
    assert urgent["rule_id"] == "late-in-view-eviction-near" and urgent["trigger"] == "eviction_near"
    assert urgent["priority"] == "urgent" and urgent["kind"] == "urgent_outreach" and urgent["minors"] == 2
    due = datetime.fromisoformat(urgent["due"])
    assert before + timedelta(days=17) <= due - timedelta(hours=24) <= raised_by, "within a day of the window opening"
