"""The monitor end to end: a generated stream of signals goes through the real services
(intake, triage, placement, notifications on real Kafka and PostgreSQL); the monitor,
started next to them as its own process, counts exactly what was posted, per period,
outcome and family; the public output suppresses small cells; and a second monitor of a
new generation on an empty database, started afterwards, reaches the same figures by
replaying the topics from the beginning."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from services.monitor.domain import catalogue
from services.monitor.domain.publication import WITHHELD_SERIES
from services.monitor.domain.period import Period, period_of, period_of_day
from services.monitor.domain.suppression import publishable
from tests.conftest import create_database, drop_database
from tests.e2e.conftest import advance_clocks
from tests.support.processes import ServiceProcess, free_port
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

FAMILY_AMSTERDAM = "0363010001004477"  # official test persons: two parents, children, one still a minor
SINGLE_AMSTERDAM = "0363010001014485"  # official test person: one adult
FAMILY_UTRECHT = "0344010000192444"  # official test persons: five, three of them minors
NOBODY_REGISTERED = "0363010000999001"  # the police find a family the register does not know

HOUSEHOLDS = {
    FAMILY_AMSTERDAM: ("family", "nieuw-west", "ymere", "deurwaarder-amsterdam"),
    SINGLE_AMSTERDAM: ("no_family", None, "ymere", "deurwaarder-amsterdam"),
    FAMILY_UTRECHT: ("family", "noordwest", "mitros", "deurwaarder-noord"),
}
# How each household's stories end, per period: every outcome of Table 1 for families and
# for a single adult. Utrecht's family is evicted in the first period, so it has a placement
# request the shelter can decline in the second.
ENDINGS = {
    1: {
        FAMILY_AMSTERDAM: ["withdrawn", "evicted"],
        SINGLE_AMSTERDAM: ["paid_at_door", "evicted"],
        FAMILY_UTRECHT: ["not_executed", "evicted"],
    },
    2: {
        FAMILY_AMSTERDAM: ["left_unknown_destination", "paid_at_door"],
        SINGLE_AMSTERDAM: ["left_unknown_destination", "not_executed"],
        FAMILY_UTRECHT: ["withdrawn", "left_unknown_destination"],
    },
}
FOUND_CHILDREN = [4, 9]
# Metrics whose counts follow only from what the test posts and does (alerts, reminders and
# escalations also follow from routing rules and timers: those are compared between the two
# monitors instead).
EXACT_METRICS = (catalogue.SIGNAL, catalogue.VERDICT, catalogue.EVICTION, catalogue.PLACEMENT, catalogue.OUTFLOW)
MUNICIPALITY_OF = {"0363": "gemeente-amsterdam", "0344": "gemeente-utrecht"}  # entitled to exact counts
FINAL_OUTCOMES = ("arrangement", "debt_help_started", "not_reached", "refused", "already_known")


@dataclass
class Posted:
    organisation: str
    signal_id: str
    dwelling: str
    type: str
    outcome: str | None = None


@dataclass
class Expected:
    """Exact counts per (municipality, period) -> (metric, outcome, family) -> count."""

    counts: dict[tuple[str, Period], Counter] = field(default_factory=lambda: defaultdict(Counter))
    district_counts: dict[tuple[str, str, Period], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, municipality: str, period: Period, metric: str, outcome: str, family: str, district: str | None = None):
        self.counts[(municipality, period)][(metric, outcome, family)] += 1
        if district:
            self.district_counts[(municipality, district, period)][(metric, outcome, family)] += 1

    def periods(self, municipality: str | None = None) -> list[Period]:
        return sorted({p for m, p in self.counts if municipality in (None, m)})


# --- the monitor processes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def start_monitor(chain, postgres_admin_url, tmp_path_factory):
    """Start a monitor of a generation on a fresh PostgreSQL database, next to the module's chain."""
    started: list[tuple[ServiceProcess, str]] = []

    def start(generation: str) -> ServiceProcess:
        name, url = create_database(postgres_admin_url, f"monitor{generation}")
        port = free_port()
        env = {**chain.env, "MONITOR_PORT": str(port), "MONITOR_DATABASE_URL": url, "MONITOR_GENERATION": generation}
        process = ServiceProcess("services.monitor", port, env, tmp_path_factory.mktemp(f"monitor-gen-{generation}"))
        started.append((process, name))
        process.start()
        process.wait_ready()
        return process

    yield start
    for process, name in started:
        process.stop()
        drop_database(postgres_admin_url, name)


def figures(monitor: ServiceProcess, municipality: str, period: Period, *, organisation: str | None = None,
            public: bool = False, district: str | None = None, suffix: str = "") -> httpx.Response:
    params = {"municipality": municipality, "year": period.year, "month": period.month}
    if district:
        params["district"] = district
    path = "/v1/public/figures" if public else "/v1/figures"
    headers = {"X-API-Key": f"dev-{organisation}"} if organisation else {}
    return httpx.get(monitor.url + path + suffix, params=params, headers=headers, timeout=10)


def as_counter(body: dict, metrics=EXACT_METRICS) -> Counter:
    return Counter({(f["metric"], f["outcome"], f["family"]): f["count"] for f in body["figures"] if f["metric"] in metrics})


def with_totals(expected: Counter, metrics=EXACT_METRICS) -> Counter:
    """Every outcome of the catalogue per family and for all, zeros included, as the monitor shows them."""
    full = Counter()
    for metric in metrics:
        for outcome in catalogue.CATALOGUE[metric]:
            for family in ("family", "no_family", "unknown"):
                full[(metric, outcome, family)] = expected[(metric, outcome, family)]
            full[(metric, outcome, "all")] = sum(expected[(metric, outcome, f)] for f in ("family", "no_family", "unknown"))
    return full


def wait_for_counts(monitor: ServiceProcess, municipality: str, period: Period, expected: Counter, metrics=EXACT_METRICS):
    wanted = with_totals(expected, metrics)
    last = {}

    def probe():
        response = figures(monitor, municipality, period, organisation=MUNICIPALITY_OF[municipality])
        assert response.status_code == 200, response.text
        last["seen"] = as_counter(response.json(), metrics)
        return last["seen"] == wanted

    try:
        eventually(probe, timeout=90, what=f"exact counts for {municipality} {period}")
    except AssertionError:
        seen = last.get("seen", {})
        differences = {key: (seen.get(key), value) for key, value in wanted.items() if seen.get(key) != value}
        raise AssertionError(
            f"counts for {municipality} {period} (seen, expected): {differences}\n{monitor.log_tail(30)}"
        ) from None


# --- driving the chain ----------------------------------------------------------------------------


def chain_now(chain) -> datetime:
    response = httpx.post(chain.urls["arrears"] + "/test/clock/advance", json={"seconds": 0.001}, timeout=10)
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["now"])


def move_chain_to_the_tenth_of_next_month(chain) -> datetime:
    """Each batch runs around noon on the 10th: far from any month boundary, so its period is certain."""
    now = chain_now(chain)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    target = datetime(year, month, 10, 11, 0, tzinfo=UTC)
    advance_clocks(chain, (target - now).total_seconds())
    return target


def post(chain, organisation: str, body: dict) -> str:
    with chain.client("arrears", organisation) as client:
        response = client.post("/v1/signals", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def generate_batch(rng: random.Random, batch: int, today: date) -> list[tuple[str, str, dict]]:
    """Each household's stories, in stage order with rising observation dates (none is late):
    arrears (2 or 3 reports, rising), sometimes resolved, a verdict on some grounds, a
    scheduled eviction, then the story's ending."""
    grounds = ["rent_arrears", "nuisance", "subletting", "cannabis", "other"]
    signals = []
    for dwelling, (_family, district, corporation, bailiff) in HOUSEHOLDS.items():
        day = today - timedelta(days=25)
        for ending in ENDINGS[batch][dwelling]:
            def body(kind: str, **facts) -> dict:
                nonlocal day
                day += timedelta(days=1)
                base = {"type": kind, "address": {"adresseerbaarObjectIdentificatie": dwelling}, "observed_on": day.isoformat()}
                return {**base, **({"district": district} if district else {}), **facts}

            for months in range(2, 2 + rng.randint(2, 3)):
                signals.append((corporation, dwelling, body("arrears.reported", months=months, amount_eur=f"{650 * months}.00")))
            if rng.random() < 0.5:
                resolution = rng.choice(["payment_plan", "debt_help_started"])
                signals.append((corporation, dwelling, body("arrears.resolved", resolution=resolution)))
            signals.append((corporation, dwelling, body("eviction.verdict-issued", grounds=rng.choice(grounds))))
            eviction_date = (today + timedelta(days=14)).isoformat()
            signals.append((bailiff, dwelling, body("eviction.scheduled", eviction_date=eviction_date)))
            if ending == "withdrawn":
                signals.append((bailiff, dwelling, body("eviction.cancelled", reason="paid in full")))
            else:
                signals.append((bailiff, dwelling, body("eviction.executed", outcome=ending)))
    return signals


def expect_signal(expected: Expected, dwelling: str, body: dict, family: str) -> None:
    """A signal counts in the month of its observed_on; a scheduled eviction and its outcome in
    the month of the eviction's date (the outcome's own observed_on when it names none)."""
    municipality, district = dwelling[:4], body.get("district")
    kind = body["type"]
    observed = period_of_day(date.fromisoformat(body["observed_on"]))
    expected.add(municipality, observed, catalogue.SIGNAL, kind, family, district)
    eviction_day = period_of_day(date.fromisoformat(body.get("eviction_date", body["observed_on"])))
    extra = {
        "eviction.verdict-issued": (observed, catalogue.VERDICT, body.get("grounds")),
        "eviction.scheduled": (eviction_day, catalogue.EVICTION, catalogue.SCHEDULED),
        "eviction.cancelled": (eviction_day, catalogue.EVICTION, catalogue.WITHDRAWN),
        "eviction.executed": (eviction_day, catalogue.EVICTION, body.get("outcome")),
    }.get(kind)
    if extra:
        expected.add(municipality, extra[0], *extra[1:], family, district)


def run_batch(chain, batch: int, rng: random.Random, expected: Expected) -> tuple[Period, list[Posted]]:
    moment = move_chain_to_the_tenth_of_next_month(chain)
    period = period_of(moment)
    posted = []
    for organisation, dwelling, body in generate_batch(rng, batch, moment.date()):
        signal_id = post(chain, organisation, body)
        posted.append(Posted(organisation, signal_id, dwelling, body["type"], body.get("outcome")))
        expect_signal(expected, dwelling, body, HOUSEHOLDS[dwelling][0])
    return period, posted


def requests_of(chain, ggd: str) -> list[dict]:
    with chain.client("placement", ggd) as client:
        response = client.get("/v1/requests")
    assert response.status_code == 200, response.text
    return response.json()


def expect_requests(expected: Expected, requests: list[dict], period: Period) -> None:
    for request in requests:
        expected.add(request["municipality_code"], period, catalogue.PLACEMENT, catalogue.REQUESTED, "family")
        outcome = catalogue.WAITLISTED if request["status"] == "waitlisted" else catalogue.OFFERED
        expected.add(request["municipality_code"], period, catalogue.PLACEMENT, outcome, "family")


def all_forwarded(chain, posted: list[Posted]) -> None:
    def done():
        for item in posted:
            with chain.client("arrears", item.organisation) as client:
                if client.get(f"/v1/signals/{item.signal_id}").json()["status"] == "received":
                    return False
        return True

    eventually(done, timeout=60, what="every signal forwarded to Kafka")


def final_report(chain, team: str, signal_id: str, outcome: str) -> dict:
    with chain.client("triage", team) as client:
        def alert():
            found = [a for a in client.get("/v1/alerts").json() if a["signal_id"] == signal_id and a["kind"] == "prevention"]
            return found[0] if found else None

        raised = eventually(alert, timeout=60, what=f"prevention alert for {signal_id}")
        response = client.post(
            f"/v1/alerts/{raised['alert_id']}/feedback",
            json={"type": "report-final", "reported_on": raised["raised_at"][:10], "outcome": outcome},
        )
    assert response.status_code == 201, response.text
    return raised


# --- the scenario ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fed(chain, start_monitor):
    """Two months of signals through the chain, with a family found at the door, a confirmed and a
    declined placement, and two final prevention reports; returns what the monitor must count."""
    monitor = start_monitor("1")
    rng = random.Random(6)
    expected = Expected()

    # Month one: the stories, a family found at the door, prevention feedback, a confirmed place.
    first, posted = run_batch(chain, 1, rng, expected)
    found = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": NOBODY_REGISTERED},
        "observed_on": chain_now(chain).date().isoformat(),
        "adults": 2,
        "children_ages": FOUND_CHILDREN,
    }
    police = "politie-amsterdam"
    posted.append(Posted(police, post(chain, police, found), NOBODY_REGISTERED, "eviction.family-found"))
    expect_signal(expected, NOBODY_REGISTERED, found, "family")
    all_forwarded(chain, posted)

    first_arrears = {}
    for item in posted:
        if item.type == "arrears.reported" and item.dwelling.startswith("0363"):
            first_arrears.setdefault(item.dwelling, item.signal_id)
    final_report(chain, "vroeg-eropaf-amsterdam-nieuw-west", first_arrears[FAMILY_AMSTERDAM], "arrangement")
    final_report(chain, "vroeg-eropaf-amsterdam", first_arrears[SINGLE_AMSTERDAM], "debt_help_started")
    expected.add("0363", first, catalogue.PREVENTION, "arrangement", "family")
    expected.add("0363", first, catalogue.PREVENTION, "debt_help_started", "no_family")

    # Every family evicted or found asks for a place once: wait until placement has them all.
    families_in_need = 1 + sum(1 for p in posted if p.outcome == "evicted" and HOUSEHOLDS[p.dwelling][0] == "family")
    eventually(
        lambda: len(requests_of(chain, "ggd-amsterdam-vangnet")) + len(requests_of(chain, "ggd-utrecht")) == families_in_need,
        timeout=60, what="a placement request per family in need",
    )  # fmt: skip
    for ggd in ("ggd-amsterdam-vangnet", "ggd-utrecht"):
        expect_requests(expected, requests_of(chain, ggd), first)
    with chain.client("placement", "hvo-querido") as shelter:
        [found_family] = [r for r in shelter.get("/v1/requests").json() if r["children_ages"] == FOUND_CHILDREN]
        confirmed = shelter.post(f"/v1/requests/{found_family['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    expected.add("0363", first, catalogue.PLACEMENT, catalogue.PLACED, "family")
    for municipality, period in list(expected.counts):  # month one is counted before the clocks move on
        wait_for_counts(monitor, municipality, period, expected.counts[(municipality, period)])

    # Month two: more stories; Utrecht's shelter declines its family, who is offered elsewhere or waitlisted.
    second, posted = run_batch(chain, 2, rng, expected)
    all_forwarded(chain, posted)
    with chain.client("placement", "tussenvoorziening") as shelter:
        [utrecht_family] = [r for r in shelter.get("/v1/requests").json() if r["status"] == "offered"]
        declined = shelter.post(f"/v1/requests/{utrecht_family['id']}/decline", json={"reason": "geen plek vannacht"})
    assert declined.status_code == 200, declined.text
    expected.add("0344", second, catalogue.PLACEMENT, catalogue.DECLINED, "family")
    with chain.client("placement", "ggd-utrecht") as ggd:
        after = ggd.get(f"/v1/requests/{utrecht_family['id']}").json()
    assert after["status"] in ("offered", "waitlisted") and after["facility_id"] != utrecht_family["facility_id"]
    outcome = catalogue.OFFERED if after["status"] == "offered" else catalogue.WAITLISTED
    expected.add("0344", second, catalogue.PLACEMENT, outcome, "family")
    for municipality, period in list(expected.counts):
        wait_for_counts(monitor, municipality, period, expected.counts[(municipality, period)])
    return monitor, expected, (first, second)


def test_the_monitor_counts_exactly_what_went_through_the_chain_per_period_and_outcome(fed):
    monitor, expected, periods = fed
    assert periods[0] != periods[1]
    assert len(expected.periods()) > len(periods), "signals observed before the month they were posted count there"
    for municipality, period in expected.counts:
        body = figures(monitor, municipality, period, organisation=MUNICIPALITY_OF[municipality]).json()
        assert body["exact"] is True
        assert as_counter(body) == with_totals(expected.counts[(municipality, period)])


def test_prevention_outcomes_join_the_alert_they_report_on(fed):
    monitor, expected, periods = fed
    metrics = (catalogue.PREVENTION,)
    wanted = Counter({k: v for k, v in expected.counts[("0363", periods[0])].items() if k[0] == catalogue.PREVENTION})

    def final_outcomes():
        body = figures(monitor, "0363", periods[0], organisation="gemeente-amsterdam").json()
        seen = as_counter(body, metrics)
        return all(seen[(catalogue.PREVENTION, o, f)] == wanted[(catalogue.PREVENTION, o, f)]
                   for o in FINAL_OUTCOMES for f in ("family", "no_family", "unknown"))

    eventually(final_outcomes, timeout=60, what="final prevention outcomes, with the family of their alert")


def test_figures_per_district(fed):
    monitor, expected, _ = fed
    for period in expected.periods("0363"):
        wanted = with_totals(expected.district_counts[("0363", "nieuw-west", period)])
        body = figures(monitor, "0363", period, organisation="gemeente-amsterdam", district="nieuw-west").json()
        assert as_counter(body) == wanted
        assert "nieuw-west" in body["districts"]


def test_published_figures_suppress_small_cells_and_every_cell_that_would_give_one_away(fed):
    monitor, expected, _ = fed
    busiest = max(expected.periods("0363"), key=lambda p: sum(expected.counts[("0363", p)].values()))
    exact = with_totals(expected.counts[("0363", busiest)])
    assert any(0 < count < 5 for count in exact.values()) and any(count >= 5 for count in exact.values())
    for response in (
        figures(monitor, "0363", busiest, public=True),
        figures(monitor, "0363", busiest, organisation="gemeente-utrecht"),  # not its municipality
    ):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["exact"] is False
        shown = as_counter(body)
        for key, count in exact.items():
            if key[:2] in WITHHELD_SERIES:
                assert shown[key] == "x"
            else:
                assert shown[key] in (publishable(count), ".") or (count >= 5 and shown[key] == "x"), key
        for metric, outcome in {key[:2] for key in exact}:  # never a total over one suppressed family cell
            row = [shown[(metric, outcome, f)] for f in ("family", "no_family", "unknown", "all")]
            assert sum(1 for value in row if isinstance(value, str)) != 1, (metric, outcome, row)

    published = figures(monitor, "0363", busiest, public=True, suffix=".csv")
    assert published.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(published.text)))
    from_csv = {(r["metric"], r["outcome"], r["family"]): r["count"] for r in rows if r["metric"] in EXACT_METRICS}
    from_json = as_counter(figures(monitor, "0363", busiest, public=True).json())
    assert from_csv == {key: str(value) for key, value in from_json.items()}
    assert "<5" in from_csv.values()


def test_the_eviction_table_counts_what_table_1_of_the_report_counts(fed):
    monitor, expected, periods = fed
    columns = {"aanbod_offered": "scheduled", "afgemeld_withdrawn": "withdrawn", "niet_not_executed": "not_executed",
               "betaald_paid_at_door": "paid_at_door", "ontruimd_evicted": "evicted",
               "noorderzon_left_unknown_destination": "left_unknown_destination"}
    per_year: dict[int, Counter] = defaultdict(Counter)
    for period in expected.periods("0363"):
        for (metric, outcome, family), count in expected.counts[("0363", period)].items():
            if metric == catalogue.EVICTION:
                per_year[period.year][outcome] += count
                if family == "family":
                    per_year[period.year][outcome + "_families"] += count
    response = httpx.get(monitor.url + "/v1/tables/evictions", params={"municipality": "0363"},
                         headers={"X-API-Key": "dev-gemeente-amsterdam"}, timeout=10)
    body = response.json()
    assert [row["year"] for row in body["rows"]] == sorted(per_year)
    for row in body["rows"]:
        for column, outcome in columns.items():
            assert row[column] == per_year[row["year"]][outcome], column
            assert row[column + "_families"] == per_year[row["year"]][outcome + "_families"], column
    public = httpx.get(monitor.url + "/v1/public/tables/evictions", params={"municipality": "0363"}, timeout=10).json()
    for exact_row, public_row in zip(body["rows"], public["rows"], strict=True):
        for column in columns:
            assert public_row[column] in (publishable(exact_row[column]), "x", "."), column


def test_a_new_generation_on_an_empty_database_rebuilds_the_same_figures_from_the_topics(fed, start_monitor):
    monitor, expected, periods = fed  # generation 1 has counted everything the test knows of
    rebuilt = start_monitor("2")

    def same(municipality: str, period: Period) -> bool:
        organisation = MUNICIPALITY_OF[municipality]
        old = figures(monitor, municipality, period, organisation=organisation).json()
        new = figures(rebuilt, municipality, period, organisation=organisation).json()
        return without_change_times(old) == without_change_times(new)

    for municipality, period in expected.counts:
        eventually(lambda: same(municipality, period), timeout=90,
                   what=f"generation 2 has generation 1's figures for {municipality} {period}")
        body = figures(rebuilt, municipality, period, organisation=MUNICIPALITY_OF[municipality]).json()
        assert as_counter(body) == with_totals(expected.counts[(municipality, period)])
    amsterdam = {"X-API-Key": "dev-gemeente-amsterdam"}
    tables = [
        httpx.get(m.url + "/v1/tables/evictions", params={"municipality": "0363"}, headers=amsterdam, timeout=10).json()
        for m in (monitor, rebuilt)
    ]
    assert [without_change_times(row) for row in tables[0]["rows"]] == [without_change_times(row) for row in tables[1]["rows"]]
    assert tables[1]["rows"][0]["last_changed"] > tables[0]["rows"][0]["last_changed"], "generation 2 counted later"


def without_change_times(body: dict) -> dict:
    """When a period last changed is each monitor's own: generation 2 counted it later."""
    return {key: value for key, value in body.items() if key != "last_changed"}
