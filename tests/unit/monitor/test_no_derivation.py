"""Nothing can be derived from what the monitor publishes: random counts are counted by the
monitor's store and read back through its public API (every month and the year, the city
and every district, and Table 1); a reader holding all of it then tries every derivation by
subtraction (attack.py) and must pin no suppressed count.

The counts are the worst case: a closed history, where every scheduled eviction ended in
one of the outcomes in the same month and district (so "scheduled" is exactly the total of
the outcomes), every verdict counts once as a signal and once by its grounds, and every
prevention referral (also counted as a prevention alert) was followed up to its outcome.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.events.follow_up import CaseOutcome
from shared.contracts.events.signals import VerdictGrounds
from services.monitor.app import create_app
from services.monitor.domain.facts import Fact, Family, Location, Reading
from services.monitor.domain.period import Period
from services.monitor.domain.publication import WITHHELD_SERIES
from services.monitor.settings import MonitorSettings
from tests.support.apps import running, unit_runtime
from tests.unit.monitor.attack import INFINITY, recover

YEAR = 2026
OUTCOMES = ("withdrawn", "not_executed", "paid_at_door", "evicted", "left_unknown_destination")
GROUNDS = tuple(g.value for g in VerdictGrounds)
FAMILIES = tuple(f.value for f in Family)
SCHEDULED, VERDICTS = ("eviction", "scheduled"), ("signal", "eviction.verdict-issued")
REFERRED, PREVENTION_ALERTS = ("prevention", "referred"), ("alert", "prevention")  # the same facts, counted twice
PARTS = {
    SCHEDULED: [("eviction", o) for o in OUTCOMES],
    VERDICTS: [("verdict", g) for g in GROUNDS],
    REFERRED: [(m, o.value) for m in ("case_outcome", "case_outcome_report_missing") for o in CaseOutcome],
}
SINGLE = [("signal", "arrears.reported")]
SERIES = [*PARTS, *(p for parts in PARTS.values() for p in parts), *SINGLE, PREVENTION_ALERTS]
COUNT = st.sampled_from([0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 14])


@st.composite
def worlds(draw):
    """(districts published, {(series, family, month, district or ""): count}) for the base series."""
    districts = draw(st.sampled_from([(), ("noord",), ("noord", "zuid")]))
    months = draw(st.sampled_from([(3,), (3, 4), (1, 12)]))
    base = [*PARTS[SCHEDULED], *PARTS[VERDICTS], *PARTS[REFERRED], *SINGLE]
    coords = itertools.product(base, FAMILIES, months, (*districts, ""))
    return districts, {coord: draw(COUNT) for coord in coords}


def with_totals(counts: dict) -> dict:
    """The linked series' own counts: the total of their parts (a closed history)."""
    full = dict(counts)
    for (series, family, month, district), count in counts.items():
        for total, parts in PARTS.items():
            if series in parts:
                for counted in (total, PREVENTION_ALERTS) if total == REFERRED else (total,):
                    key = (counted, family, month, district)
                    full[key] = full.get(key, 0) + count
    return full


def facts(counts: dict) -> Reading:
    found = []
    for (series, family, month, district), count in counts.items():
        where = Location("0000", district)
        found += [Fact(*series, Period(YEAR, month), where, Family(family))] * count
        if series[0] == "eviction" and series != SCHEDULED and series[1] != "withdrawn":
            found += [Fact("signal", "eviction.executed", Period(YEAR, month), where, Family(family))] * count
    return Reading(facts=tuple(found))


async def published(app, client, municipality: str, districts: tuple, counts: dict) -> dict:
    """Count through the store, then every public figure of the year: cell -> what is shown."""
    store = app.state.counts
    async with app.state.runtime.sessions() as session, session.begin():
        relabelled = Reading(facts=tuple(_moved(f, municipality) for f in facts(with_totals(counts)).facts))
        await store.apply_all(session, [relabelled], datetime(2026, 12, 1, tzinfo=UTC))
    shown = {}
    for district in (None, *districts):
        for month in (None, *range(1, 13)):
            params = {"municipality": municipality, "year": YEAR, **({"month": month} if month else {})}
            response = await client.get("/v1/public/figures", params={**params, **({"district": district} if district else {})})
            assert response.status_code == 200, response.text
            for figure in response.json()["figures"]:
                cell = ((figure["metric"], figure["outcome"]), figure["family"], month or 0, district or "*")
                shown[cell] = figure["count"]
    table = (await client.get("/v1/public/tables/evictions", params={"municipality": municipality})).json()
    for row in table["rows"]:  # Table 1 shows the year's figures as they are published
        assert row["ontruimd_evicted"] == shown[(("eviction", "evicted"), "all", 0, "*")]
        assert row["aanbod_offered_families"] == shown[(SCHEDULED, "family", 0, "*")]
    return shown


def _moved(fact: Fact, municipality: str) -> Fact:
    return Fact(fact.metric, fact.outcome, fact.period, Location(municipality, fact.location.district), fact.family)


def relations(districts: tuple) -> list:
    families, months, places = (*FAMILIES, "all"), (*range(1, 13), 0), (*districts, "", "*")
    found = []
    for series in SERIES:
        for month, place in itertools.product(months, places):
            found.append(((series, "all", month, place), [(series, f, month, place) for f in FAMILIES]))
        for family, place in itertools.product(families, places):
            found.append(((series, family, 0, place), [(series, family, m, place) for m in range(1, 13)]))
        for family, month in itertools.product(families, months):
            found.append(((series, family, month, "*"), [(series, family, month, p) for p in (*districts, "")]))
    for total, parts in PARTS.items():
        for family, month, place in itertools.product(families, months, places):
            found.append(((total, family, month, place), [(part, family, month, place) for part in parts]))
    for family, month, place in itertools.product(families, months, places):
        found.append(((PREVENTION_ALERTS, family, month, place), [(REFERRED, family, month, place)]))
    return found


def truth(districts: tuple, counts: dict) -> dict:
    full = with_totals(counts)
    values = {}
    for (series, family, month, district), count in full.items():
        for f, m, d in itertools.product((family, "all"), (month, 0), (district, "*")):
            values[(series, f, m, d)] = values.get((series, f, m, d), 0) + count
    return values


def test_no_suppressed_count_can_be_derived_from_the_published_figures(tmp_path):
    loop = asyncio.new_event_loop()
    app = create_app(unit_runtime(MonitorSettings, tmp_path, InMemoryBus(), FakeClock()))
    serving = running(app)
    client = loop.run_until_complete(serving.__aenter__())
    codes = itertools.count(1000)
    seen = {"primary": 0, "secondary": 0}

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(worlds())
    def check(world):
        districts, counts = world
        municipality = f"{next(codes):04d}"
        shown = loop.run_until_complete(published(app, client, municipality, districts, counts))
        values = truth(districts, counts)
        known, bounds = {}, {}
        for cell, count in shown.items():
            if cell[0] in WITHHELD_SERIES:
                assert count == "x", "signals counted again as evictions are never published"
            elif count == "<5":
                bounds[cell] = (1, 4)
            elif count == "x":
                bounds[cell] = (5, INFINITY)
            elif count == ".":  # a withheld table: anything
                bounds[cell] = (0, INFINITY)
            else:
                assert count == values.get(cell, 0), cell
                known[cell] = count
        for series, family, month in itertools.product(SERIES, (*FAMILIES, "all"), (*range(1, 13), 0)):
            bounds[(series, family, month, "")] = (0, INFINITY)  # the city's part in no published district
        pinned = recover(known, bounds, relations(districts))
        suppressed = {cell: value for cell, value in pinned.items() if cell[3] != ""}
        assert suppressed == {}, f"recovered from the published figures: {suppressed}"
        assert all(values.get(cell, 0) == value for cell, value in pinned.items()), "the reader's reasoning is sound"
        seen["primary"] += sum(1 for v in shown.values() if v == "<5")
        seen["secondary"] += sum(1 for c, v in shown.items() if v == "x" and c[0] not in WITHHELD_SERIES)

    try:
        check()
    finally:
        loop.run_until_complete(serving.__aexit__(None, None, None))
        loop.close()
    assert seen["primary"] and seen["secondary"], "the examples had small cells and complements to protect them"
