"""Utrecht's Meldpunt Huurschulden takes 200 referrals a year (docs/domain.md#utrecht): referrals
beyond it are still sent (nothing is dropped, families first) but marked as
overflow, and the count against the capacity is readable."""

from dataclasses import replace

import pytest

from services.triage.capacity import over_capacity
from services.triage.app import create_app
from services.triage.rules import DEFAULT_RULES, load_rules
from tests.support.apps import key, running
from tests.support.triage import Triage, UTRECHT_FAMILY

MELDPUNT = "meldpunt-huurschulden-utrecht"


def test_the_referral_after_the_capacity_is_over_it():
    assert not over_capacity(199, 200) and over_capacity(200, 200) and over_capacity(250, 200)


def test_the_default_rules_give_utrecht_a_capacity_of_200(runtime):
    assert load_rules(DEFAULT_RULES, runtime.organisations).yearly_capacity == {MELDPUNT: 200}


@pytest.fixture
async def small_triage(runtime, bus, clock):
    rules = replace(load_rules(DEFAULT_RULES, runtime.organisations), yearly_capacity={MELDPUNT: 2})
    app = create_app(runtime, rules=rules)
    async with running(app) as client:
        yield Triage(app=app, client=client, bus=bus, clock=clock, runtime=runtime)


async def test_referrals_over_the_capacity_are_sent_marked_and_counted(small_triage):
    dwellings = [UTRECHT_FAMILY, "0344010000000101", "0344010000000102"]
    signal_ids = [
        await small_triage.signal("eviction.verdict-issued", dwelling, by="mitros", grounds="rent_arrears")
        for dwelling in dwellings
    ]
    sent = {str(alert.signal_id): alert for alert in small_triage.alerts(MELDPUNT)}
    assert set(sent) == set(signal_ids), "nothing is dropped"
    assert ["over the yearly capacity of 2" in sent[s].reason for s in signal_ids] == [False, False, True]

    response = await small_triage.client.get("/v1/capacity", headers=key("gemeente-utrecht"))
    assert response.status_code == 200
    assert response.json() == [{"recipient": MELDPUNT, "year": small_triage.clock.now().year, "capacity": 2, "referrals": 3, "overflow": 1}]
    case = await small_triage.client.get(
        f"/v1/cases/{small_triage.case_key(dwellings[2])}", headers=key(MELDPUNT)
    )
    assert any(entry["kind"] == "capacity" and entry["summary"]["referral"] == 3 for entry in case.json()["timeline"])
