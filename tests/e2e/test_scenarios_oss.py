"""The report's Oss scenarios (docs/domain.md#scenarios) through the real services on Kafka:
the bemoeizorg family (report of concern, home visit, the eviction date, the family gone
before the eviction, no family place, part of the family admitted) and preventive housing
support that ends in a relapse (the kept verdict executed, crisis shelter). Each asserts who
was alerted, with what priority and by when, and reads back from the monitor (its own process
next to the chain) what Oss counts of it: the home visit, the partial placement and the rest
admitted later, the safety-net plan and the eviction it was made for.

The tests share one chain and move no clock, so they may run in any order."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from services.monitor.domain.period import Period, period_of, period_of_day
from tests.support.figures import figure
from tests.support.scenarios import alerts, case_key, due_after, post_signal, read_case, service_now, subscribe_teams, the_alert
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

BEMOEIZORG_FAMILY = "0828019999000002"  # our fixture: father 38, mother 30, five children (docs/domain.md#the-bemoeizorg-family-oss-region)
CHILDREN_BORN = (date(2012, 10, 30), date(2014, 7, 21), date(2018, 9, 3), date(2020, 5, 17), date(2021, 2, 10))
SUPPORTED_FAMILY = "0828019999000001"  # our fixture: two parents, three children

GGD, BEMOEIZORG, WERK_EN_INKOMEN, PLATFORM = "ggd-hart-voor-brabant", "bemoeizorg-oss", "werk-inkomen-oss", "gemeente-oss"
CRISIS_UNITS = "verdihuis-crisis"


@pytest.fixture(scope="module", autouse=True)
def subscriptions(chain):
    subscribe_teams(chain, (GGD, BEMOEIZORG, WERK_EN_INKOMEN, PLATFORM, "brabantwonen"))


def ages_on(day: date) -> list[int]:
    return sorted(day.year - born.year - ((day.month, day.day) < (born.month, born.day)) for born in CHILDREN_BORN)


# Every unit in the country that takes a two-parent family, by the shelter that runs it.
TWO_PARENT_UNITS = {
    "hvo-querido": ["roggeveen-two-parent", "roggeveen-crisis"],
    "tussenvoorziening": ["tussenoord", "boka", "weerdsingel"],
    "zienn": ["den-eikelaar"],
    "verdihuis": [CRISIS_UNITS],
}


def free_units(chain, shelter: str, facility_id: str, units: int) -> None:
    """The shelter sets a facility's capacity so that `units` are free (0: full)."""
    with chain.client("placement", shelter) as client:
        [facility] = [f for f in client.get("/v1/facilities").json() if f["id"] == facility_id]
        answer = client.patch(f"/v1/facilities/{facility_id}", json={"capacity": facility["occupied"] + facility["offered"] + units})
    assert answer.status_code == 200, answer.text


def no_family_place_anywhere(chain) -> None:
    for shelter, facilities in TWO_PARENT_UNITS.items():
        for facility_id in facilities:
            free_units(chain, shelter, facility_id, 0)


def oss_figures(monitor, period: Period, wanted: dict[tuple[str, str, str], int], *, public: bool = False) -> dict:
    """Oss's figures of a month, once the monitor shows the counts wanted (exact: the municipality's own)."""
    path, headers = ("/v1/public/figures", {}) if public else ("/v1/figures", {"X-API-Key": "dev-gemeente-oss"})
    params = {"municipality": "0828", "year": period.year, "month": period.month}

    def probe():
        answer = httpx.get(monitor.url + path, params=params, headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return body if all(figure(body, *cell) == count for cell, count in wanted.items()) else None

    return eventually(probe, timeout=60, what=f"the monitor's figures for Oss, {period}")


def processed(chain, organisation: str, dwelling: str, signal_id: str) -> dict:
    return eventually(
        lambda: (case := read_case(chain, organisation, dwelling))
        and any(e["kind"] == "signal" and e["summary"]["signal_id"] == signal_id for e in case["timeline"])
        and case,
        what="triage handled the signal",
    )


def test_the_bemoeizorg_family_stays_in_view_from_the_report_of_concern_to_a_partial_place(chain, monitor):
    """docs/domain.md#the-bemoeizorg-family-oss-region (DOMAIN §8.1)."""
    verdict = post_signal(chain, "brabantwonen", BEMOEIZORG_FAMILY, {"type": "eviction.verdict-issued", "grounds": "rent_arrears"})
    the_alert(chain, WERK_EN_INKOMEN, "Werk en Inkomen assesses the verdict", signal_id=verdict, rule_id="oss-verdict")

    # t0: the Platform Overlast reports worries about a family avoiding care.
    start = service_now(chain)
    concern = post_signal(chain, PLATFORM, BEMOEIZORG_FAMILY, {
        "type": "concern.reported", "concerns": ["nuisance", "neglect", "care_avoidance", "children", "debts"],
    })  # fmt: skip
    alert = the_alert(chain, BEMOEIZORG, "GGZ-Bemoeizorg alerted by the report of concern", signal_id=concern)
    assert alert["rule_id"] == "oss-family-concern" and alert["kind"] == "prevention" and alert["priority"] == "urgent"
    assert due_after(alert, start, timedelta(hours=72))
    assert due_after(alert | {"due": alert["final_report_due"]}, start, timedelta(days=28))
    assert alert["is_family"] is True and alert["persons"] == 7 and alert["minor_ages"] == ages_on(start.date())
    assert alerts(chain, GGD) == [], "a report of concern is bemoeizorg's, not yet the GGD's"

    # t0+: the first home visit, by two workers; the family opens the door.
    visited_on = service_now(chain).date()
    with chain.client("triage", BEMOEIZORG) as team:
        visited = team.post(f"/v1/alerts/{alert['alert_id']}/feedback", json={
            "type": "home-visit", "visitors": 2, "met_household": True, "reported_on": str(visited_on),
        })  # fmt: skip
    assert visited.status_code == 201, visited.text
    with chain.client("arrears", PLATFORM) as platform:
        status = eventually(
            lambda: (s := platform.get(f"/v1/signals/{concern}").json())["routing"] and s["routing"][0]["contact_made_on"] and s,
            what="the platform sees its report taken up and the family reached",
        )
    assert [r["recipient"] for r in status["routing"]] == [BEMOEIZORG] and "minor" not in str(status)

    # t1: an eviction date; the parents take cash to the bailiff, but the verdict stands (no signal).
    start = service_now(chain)
    eviction_date = (start + timedelta(days=21)).date()
    scheduled = post_signal(chain, "deurwaarder-noord", BEMOEIZORG_FAMILY, {"type": "eviction.scheduled", "eviction_date": str(eviction_date)})
    planned = the_alert(chain, GGD, "GGD alerted to plan the safety net", signal_id=scheduled)
    told = the_alert(chain, WERK_EN_INKOMEN, "Werk en Inkomen told of the family's eviction date", signal_id=scheduled)
    assert planned["rule_id"] == told["rule_id"] == "oss-family-eviction-scheduled"
    assert planned["kind"] == "urgent_outreach" and planned["priority"] == told["priority"] == "urgent"
    assert due_after(planned, start, timedelta(hours=24))

    # t1: they rent a caravan for two weeks and leave before the eviction: the family must stay in view.
    start = service_now(chain)
    gone = post_signal(chain, "deurwaarder-noord", BEMOEIZORG_FAMILY, {
        "type": "eviction.executed", "outcome": "left_unknown_destination", "eviction_date": str(eviction_date),
    })  # fmt: skip
    lost = the_alert(chain, GGD, "GGD alerted that the family left", signal_id=gone)
    assert lost["rule_id"] == "oss-family-left-unknown" and lost["kind"] == "lost_from_view" and lost["priority"] == "urgent"
    assert due_after(lost, start, timedelta(hours=24))
    assert processed(chain, GGD, BEMOEIZORG_FAMILY, gone)["state"] == "lost_from_view"

    # t1 + 2 weeks: on the street; the shelter has no family place, only the night shelter.
    no_family_place_anywhere(chain)
    family = {"adults": 2, "children_ages": ages_on(service_now(chain).date()), "family_type": "two_parent", "need": "crisis",
              "municipality_code": "0828", "case_key": case_key(BEMOEIZORG_FAMILY), "referral_source": "bemoeizorg"}  # fmt: skip
    with chain.client("placement", GGD) as ggd:
        asked = ggd.post("/v1/requests", json=family)
        assert asked.status_code == 201, asked.text
        request = asked.json()
        assert request["status"] == "waitlisted" and request["cause"] == "eviction" and request["referral_source"] == "bemoeizorg"
        night = ggd.post(f"/v1/requests/{request['id']}/alternative", json={"kind": "night_shelter"})
        assert night.status_code == 201 and night.json()["status"] == "waitlisted", night.text

    # After eight weeks: a place in the crisis shelter for the mother and the children; the father is not admitted.
    free_units(chain, "verdihuis", CRISIS_UNITS, 1)
    with chain.client("placement", "verdihuis") as shelter:
        eventually(lambda: shelter.get(f"/v1/requests/{request['id']}").json()["status"] == "offered", what="offered to the Verdihuis")
        confirmed = shelter.post(f"/v1/requests/{request['id']}/confirm", json={"adults_admitted": 1, "children_admitted": 5})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "partly_placed"
    partly_placed_in = period_of(service_now(chain))
    case = eventually(lambda: (c := read_case(chain, GGD, BEMOEIZORG_FAMILY))["case_lead"] == "verdihuis" and c, what="lead to the shelter")
    assert case["state"] != "resolved", "the case stays open: the family still needs a home"
    assert [a["rule_id"] for a in alerts(chain, GGD)] == ["oss-family-eviction-scheduled", "oss-family-left-unknown"]

    # Later the father is admitted too: the family is whole in the shelter.
    with chain.client("placement", "verdihuis") as shelter:
        whole = shelter.post(f"/v1/requests/{request['id']}/admit-rest")
    assert whole.status_code == 200 and whole.json()["status"] == "placed", whole.text
    admitted_in = period_of(service_now(chain))

    # The monitor counts each in the month it happened, the visit by its day, for a family.
    visits = oss_figures(monitor, period_of_day(visited_on), {("home_visit", "met_household", "family"): 1})
    assert figure(visits, "home_visit", "not_met") == 0
    oss_figures(monitor, partly_placed_in, {("placement", "partly_placed", "family"): 1})
    admissions = oss_figures(monitor, admitted_in, {("placement", "rest_admitted", "family"): 1})
    assert figure(admissions, "placement", "rest_admitted") == 1


def test_a_relapse_after_preventive_housing_support_ends_in_crisis_shelter(chain, monitor):
    """docs/domain.md#preventive-guidance-and-cannabis-in-oss (DOMAIN §8.3.6)."""
    start = service_now(chain)
    verdict = post_signal(chain, "brabantwonen", SUPPORTED_FAMILY, {"type": "eviction.verdict-issued", "grounds": "rent_arrears", "last_chance": True})
    assessed = the_alert(chain, WERK_EN_INKOMEN, "Werk en Inkomen assesses the verdict", signal_id=verdict)
    assert assessed["rule_id"] == "oss-verdict" and assessed["priority"] == "normal" and due_after(assessed, start, timedelta(days=7))

    # After a year and a half of guidance by the Verdihuis the family relapses: the kept verdict may be executed.
    start = service_now(chain)
    relapse = post_signal(chain, "verdihuis", SUPPORTED_FAMILY, {
        "type": "support.relapsed", "support_started_on": str((start - timedelta(days=560)).date()),
    })  # fmt: skip
    ggd = the_alert(chain, GGD, "GGD alerted by the relapse", signal_id=relapse)
    copy = the_alert(chain, WERK_EN_INKOMEN, "Werk en Inkomen told of the relapse", signal_id=relapse)
    assert ggd["rule_id"] == copy["rule_id"] == "oss-family-relapse"
    assert ggd["kind"] == "urgent_outreach" and ggd["priority"] == copy["priority"] == "urgent"
    assert due_after(ggd, start, timedelta(hours=72)) and ggd["is_family"] is True and ggd["minors"] == 3
    assert copy["final_report_due"] is None, "a copy owes no reports"

    # The eviction goes ahead: a date, and the GGD's safety net before it.
    start = service_now(chain)
    eviction_date = (start + timedelta(days=30)).date()
    scheduled = post_signal(chain, "deurwaarder-noord", SUPPORTED_FAMILY, {"type": "eviction.scheduled", "eviction_date": str(eviction_date)})
    planned = the_alert(chain, GGD, "GGD alerted of the eviction date", signal_id=scheduled)
    assert planned["rule_id"] == "oss-family-eviction-scheduled" and due_after(planned, start, timedelta(hours=24))
    plan = {"eviction_date": str(eviction_date), "made_on": str(start.date()), "arrangements": ["shelter_place", "support_trajectory"]}
    with chain.client("triage", GGD) as client:
        made = client.post(f"/v1/cases/{case_key(SUPPORTED_FAMILY)}/safety-net-plan", json=plan)
    assert made.status_code == 201, made.text
    assert read_case(chain, GGD, SUPPORTED_FAMILY)["safety_net_plan_on"] == str(start.date())

    # Evicted: the GGD finds the crisis shelter tonight, and triage asks for the place.
    free_units(chain, "verdihuis", CRISIS_UNITS, 1)
    start = service_now(chain)
    evicted = post_signal(chain, "deurwaarder-noord", SUPPORTED_FAMILY, {
        "type": "eviction.executed", "outcome": "evicted", "eviction_date": str(eviction_date),
    })  # fmt: skip
    tonight = the_alert(chain, GGD, "GGD alerted of the eviction", signal_id=evicted)
    assert tonight["rule_id"] == "oss-family-evicted" and tonight["priority"] == "urgent" and due_after(tonight, start, timedelta(hours=2))
    with chain.client("placement", GGD) as client:
        [request] = eventually(
            lambda: [r for r in client.get("/v1/requests").json() if r["case_key"] == case_key(SUPPORTED_FAMILY)],
            what="triage asked for a crisis place",
        )
    assert request["need"] == "crisis" and request["cause"] == "eviction" and request["status"] == "offered"
    assert request["facility_id"] == CRISIS_UNITS
    with chain.client("placement", "verdihuis") as shelter:
        placed = shelter.post(f"/v1/requests/{request['id']}/confirm")
    assert placed.status_code == 200 and placed.json()["status"] == "placed", placed.text
    case = eventually(lambda: (c := read_case(chain, GGD, SUPPORTED_FAMILY))["case_lead"] == "verdihuis" and c, what="the Verdihuis leads")
    assert case["state"] == "placed"
    assert [e["summary"]["arrangements"] for e in case["timeline"] if e["kind"] == "safety-net-plan"] == [["shelter_place", "support_trajectory"]]
    assert alerts(chain, BEMOEIZORG, signal_id=relapse) == [] and alerts(chain, "brabantwonen") == []

    # The monitor: one plan for a family, made the day it was agreed, and under the eviction it was for.
    made_in, eviction_in = period_of_day(date.fromisoformat(plan["made_on"])), period_of_day(eviction_date)
    oss_figures(monitor, made_in, {("safety_net_plan", "made", "family"): 1, ("safety_net_plan", "revised", "all"): 0})
    covered = oss_figures(monitor, eviction_in, {("eviction_with_safety_net", "scheduled", "family"): 1})
    assert figure(covered, "eviction", "scheduled", "family") >= 1, "counted next to the evictions scheduled for that month"
    public = oss_figures(monitor, made_in, {("safety_net_plan", "made", "family"): "<5"}, public=True)
    assert figure(public, "eviction_with_safety_net", "scheduled", "family") == "x", "the same plans again: never published"
