"""The hidden family (docs/domain.md#the-hidden-family-utrecht): a later correction to "family" re-evaluates the case."""

from datetime import timedelta

from shared.contracts import event_types
from tests.support.apps import key
from tests.support.problems import refusal

UNREGISTERED_UTRECHT = "0344010000999001"  # nobody registered: sub-tenants often are not
HIDDEN = {"adults": 1, "children_ages": [16], "reason": "daughter stays with an uncle; father declared he lived alone"}


async def evicted_single_man(triage):
    await triage.signal("eviction.verdict-issued", UNREGISTERED_UTRECHT, by="mitros", grounds="subletting")
    await triage.signal("eviction.executed", UNREGISTERED_UTRECHT, by="deurwaarder-noord", outcome="evicted")
    return triage.case_key(UNREGISTERED_UTRECHT)


async def test_a_correction_to_family_alerts_the_ggd_and_asks_for_a_place(triage):
    case_key = await evicted_single_man(triage)
    assert [a.recipient for a in triage.alerts()] == ["meldpunt-huurschulden-utrecht"], "a single man: no GGD"
    assert triage.events("placement-requests") == []

    response = await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("meldpunt-huurschulden-utrecht"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["is_family"] is True and body["persons"] == 2 and body["placement_requested"] is True
    await triage.flush()

    [urgent] = triage.alerts("ggd-utrecht")
    assert body["alerts_raised"] == [str(urgent.alert_id)]
    assert urgent.rule_id == "utr-family-evicted" and urgent.priority.value == "urgent"
    assert urgent.trigger.value == "composition_corrected" and urgent.minor_ages == [16]
    assert urgent.due == triage.clock.now() + timedelta(hours=2)
    [request] = [e.data for e in triage.events("placement-requests")]
    assert request.adults == 1 and request.children_ages == [16] and request.family_type.value == "one_parent"
    [assessed] = [e.data for e in triage.events("triage", event_types.HOUSEHOLD_ASSESSED) if e.data.corrected_by]
    assert assessed.corrected_by == "meldpunt-huurschulden-utrecht" and assessed.source.value == "reported_by_case_worker"
    assert "uncle" not in str(assessed.model_dump()), "why stays on the case, off Kafka"

    case = (await triage.client.get(f"/v1/cases/{case_key}", headers=key("ggd-utrecht"))).json()
    [correction] = [e for e in case["timeline"] if e["kind"] == "composition"]
    assert correction["summary"]["corrected_by"] == "meldpunt-huurschulden-utrecht"
    assert correction["summary"]["reason"] == HIDDEN["reason"]
    assert correction["summary"]["before"]["is_family"] is False


async def test_a_register_answer_later_does_not_undo_the_correction(triage):
    case_key = await evicted_single_man(triage)
    await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("meldpunt-huurschulden-utrecht"))
    triage.clock.advance(days=40)  # a new tenancy problem, after the eviction
    await triage.signal("arrears.reported", UNREGISTERED_UTRECHT, by="mitros", months=4, amount_eur="2600.00")
    case = (await triage.client.get(f"/v1/cases/{case_key}", headers=key("ggd-utrecht"))).json()
    assert [e for e in case["timeline"] if e["kind"] == "late"] == []
    assert case["is_family"] is True and case["composition_source"] == "reported_by_case_worker"


async def test_correcting_again_to_the_same_family_raises_nothing_new(triage):
    case_key = await evicted_single_man(triage)
    await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("meldpunt-huurschulden-utrecht"))
    again = await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("ggd-utrecht"))
    assert again.status_code == 200 and again.json()["alerts_raised"] == []
    assert len(triage.alerts("ggd-utrecht")) == 1


async def test_only_the_ggd_or_a_team_with_the_case_may_correct_it(triage):
    case_key = await evicted_single_man(triage)
    stranger = await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("vroeg-eropaf-amsterdam"))
    missing = await triage.client.post("/v1/cases/hh-00000000000000000000000000000000/composition", json=HIDDEN, headers=key("ggd-utrecht"))
    corporation = await triage.client.post(f"/v1/cases/{case_key}/composition", json=HIDDEN, headers=key("mitros"))
    assert stranger.status_code == missing.status_code == 404 and refusal(stranger) == refusal(missing)
    assert corporation.status_code == 403
    bad = await triage.client.post(
        f"/v1/cases/{case_key}/composition", json={**HIDDEN, "children_ages": [19]}, headers=key("meldpunt-huurschulden-utrecht")
    )
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["loc"][:2] == ["body", "children_ages"]
