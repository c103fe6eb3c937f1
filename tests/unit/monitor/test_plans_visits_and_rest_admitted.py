"""The facts the chain publishes beyond the main path, counted like the others: a home visit
on an alert, a safety-net plan before an eviction (and the evictions that got one), and the
rest of a partly placed family admitted later. Each counts by the date of its own fact."""

from datetime import date, timedelta

from shared.contracts import event_types
from shared.contracts.events import triage
from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import Family, JoinKind, Location
from services.monitor.domain.period import Period
from services.monitor.domain.publication import WITHHELD_SERIES
from services.monitor.domain.reading import COUNTED_TYPES, read
from tests.support import events as s
from tests.support.apps import key, running
from tests.support.events import publish
from tests.support.figures import AMSTERDAM, figure
from tests.support.wait import wait_for

NOV, DEC = Period(2026, 11), Period(2026, 12)
DECEMBER = {**AMSTERDAM, "month": 12}


def test_a_home_visit_counts_on_the_day_of_the_visit_where_and_for_whom_its_alert_was():
    alert = s.alert(s.on(5))
    visit = s.with_time(s.home_visit(alert, s.on(30)), s.on(2, month=12))  # reported two days later
    [fact] = read(visit).facts
    assert (fact.metric, fact.outcome, fact.period) == (c.HOME_VISIT, c.MET_HOUSEHOLD, NOV)
    assert fact.location is None and fact.family is None, "taken from the alert"
    assert fact.join.kind is JoinKind.ALERT and fact.join.id == alert.data.alert_id
    [not_met] = read(s.home_visit(alert, s.on(6), met_household=False)).facts
    assert not_met.outcome == c.NOT_MET


def test_a_safety_net_plan_counts_on_the_day_it_was_made_and_a_first_plan_also_by_its_eviction_date():
    plan = s.safety_net_plan(s.on(2, month=12), date(2026, 12, 3), made_on=date(2026, 11, 27))
    made, covered = read(plan).facts
    assert (made.metric, made.outcome, made.period) == (c.SAFETY_NET_PLAN, c.MADE, NOV), "made_on, not the day recorded"
    assert (covered.metric, covered.outcome, covered.period) == (c.EVICTION_WITH_SAFETY_NET, c.SCHEDULED, DEC)
    assert made.location == covered.location == Location("0363", "nieuw-west")
    assert made.family is covered.family is Family.FAMILY and made.join is None


def test_a_revised_plan_counts_as_a_revision_and_not_again_under_its_eviction():
    [revised] = read(s.safety_net_plan(s.on(28), date(2026, 12, 3), revised=True)).facts
    assert (revised.metric, revised.outcome, revised.period) == (c.SAFETY_NET_PLAN, c.REVISED, NOV)


def test_a_plan_published_before_the_event_said_family_and_revision_counts_as_a_first_plan_of_unknown_family():
    old = triage.SafetyNetPlanMade.model_validate({
        "made_by": "ggd-amsterdam-vangnet", "made_on": "2026-11-27", "eviction_date": "2026-12-03",
        "arrangements": ["own_network"], "municipality_code": "0363",
    })  # fmt: skip
    made, covered = read(s._event(old, s.on(27))).facts
    assert (made.outcome, made.family, covered.family) == (c.MADE, Family.UNKNOWN, Family.UNKNOWN)
    assert made.location == Location("0363", "")


def test_the_rest_admitted_is_a_placement_outcome_of_its_request_when_placement_recorded_it():
    request = s.requested(s.on(3))
    at = s.on(30, hour=23) + timedelta(minutes=30)  # 00:30 on 1 December in Amsterdam
    [fact] = read(s.rest_admitted(request, at)).facts
    assert (fact.metric, fact.outcome, fact.period) == (c.PLACEMENT, c.REST_ADMITTED, DEC)
    assert fact.join.kind is JoinKind.REQUEST and fact.join.id == request.data.request_id
    assert c.REST_ADMITTED in c.CATALOGUE[c.PLACEMENT]


def test_every_new_fact_is_consumed_and_says_what_date_it_counts_by():
    assert {event_types.PREVENTION_HOME_VISIT, event_types.SAFETY_NET_PLAN_MADE, event_types.PLACEMENT_REST_ADMITTED} <= set(COUNTED_TYPES)
    assert {c.HOME_VISIT, c.SAFETY_NET_PLAN, c.EVICTION_WITH_SAFETY_NET} <= set(c.COUNTED_BY)
    assert (c.EVICTION_WITH_SAFETY_NET, c.SCHEDULED) in WITHHELD_SERIES, "the same plans again, on another date"


def stream():
    """Amsterdam: a family's prevention alert with eight home visits in November (six met the
    household); four family evictions scheduled for December, three of them with a plan made in
    November and one plan revised; a family partly placed in November and made whole."""
    alert = s.alert(s.on(2))
    visits = [s.home_visit(alert, s.on(day), met_household=day < 10) for day in (3, 4, 5, 6, 7, 8, 20, 21)]
    evictions = [s.scheduled(s.on(15)) for _ in range(4)]  # on 5 December
    assessed = [s.assessed(eviction, True) for eviction in evictions]
    eviction_day = evictions[0].data.eviction_date
    plans = [s.safety_net_plan(s.on(day), eviction_day) for day in (20, 24, 26)]
    revised = s.safety_net_plan(s.on(27), eviction_day, revised=True, case=plans[0].subject)
    request = s.requested(s.on(10))
    partly = s.placed(request, s.on(11), partial=True, adults_admitted=1, adults_not_admitted=1)
    return [*visits, alert, *evictions, *assessed, *plans, revised, request, partly, s.rest_admitted(request, s.on(25))]


async def counted(client, params, wanted):
    async def probe():
        body = (await client.get("/v1/figures", params=params, headers=key("gemeente-amsterdam"))).json()
        return body if all(figure(body, *cell) == count for cell, count in wanted.items()) else None

    return await wait_for(probe, what=f"figures of {params['month']}/{params['year']} counted")


async def test_the_municipality_reads_visits_plans_and_admissions_in_their_own_months(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        november = await counted(client, AMSTERDAM, {("home_visit", "met_household", "family"): 6, ("placement", "rest_admitted"): 1})
        december = await counted(client, DECEMBER, {("eviction", "scheduled", "family"): 4})
    assert figure(november, "home_visit", "not_met", "family") == 2, "visits before their alert arrived count once it did"
    assert figure(november, "safety_net_plan", "made", "family") == 3
    assert figure(november, "safety_net_plan", "revised") == 1
    assert figure(november, "placement", "rest_admitted", "family") == 1 and figure(november, "placement", "partly_placed") == 1
    assert figure(november, "eviction_with_safety_net", "scheduled") == 0, "counted in the month of the eviction"
    assert figure(december, "eviction_with_safety_net", "scheduled", "family") == 3, "three of the four got a plan"
    assert figure(december, "safety_net_plan", "made") == 0 and figure(december, "home_visit", "met_household") == 0
    assert november["counted_by"]["home_visit"] == c.COUNTED_BY[c.HOME_VISIT]


async def test_the_public_sees_the_new_small_cells_suppressed_and_the_plans_by_eviction_date_not_at_all(app, bus):
    async with running(app) as client:
        await publish(bus, *stream())
        await counted(client, AMSTERDAM, {("home_visit", "met_household", "family"): 6, ("placement", "rest_admitted"): 1})
        await counted(client, DECEMBER, {("eviction", "scheduled", "family"): 4})
        november = (await client.get("/v1/public/figures", params=AMSTERDAM)).json()
        december = (await client.get("/v1/public/figures", params=DECEMBER)).json()
    assert november["exact"] is False
    assert figure(november, "home_visit", "not_met", "family") == "<5"
    assert figure(november, "home_visit", "met_household", "family") in (6, "x")
    assert figure(november, "safety_net_plan", "made", "family") == "<5" and figure(november, "safety_net_plan", "revised") == "<5"
    assert figure(november, "placement", "rest_admitted") == "<5"
    assert figure(november, "home_visit", "not_met", "no_family") == 0, "0 stays 0"
    assert figure(december, "eviction_with_safety_net", "scheduled", "family") == "x"
