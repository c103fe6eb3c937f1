"""Did prevention prevent the eviction? SOM's 2007 registration for (Vroeg) Eropaf, through
the real chain (intake, triage, placement, notifications as processes on real Kafka and
PostgreSQL) and the monitor, read back exactly.

Every household (`tests/support/som2007.py`) gets two months of arrears: triage refers it to
its stadsdeel's Vroeg Eropaf team (a prevention alert) and starts following it up. The teams
send their final report for the households with a result; the others' reports stay missing
past their due date. The bailiff's signals then tell what happened at each dwelling, dated
within the follow-up window: an eviction called off, carried out, or never reported on.
The clocks start at today's date; the follow-up window (12 months) closes by moving every
service's clock on (`/test/clock/advance`: the chain's time travel), since the window runs
from the alert and an alert is raised when triage routes a signal, never for history. The
monitor's clock stays at today: it counts each outcome in the alert's period.

CI runs the table at 1/10 of its size (every cell divided by 10, rounded down: 134
households). The whole table (1,353) runs with `SOM_SCALE=1`:

    SOM_SCALE=1 .venv/bin/python -m pytest tests/e2e/test_prevention_outcomes.py
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import httpx
import pytest

from shared.contracts import topics
from shared.contracts.events.follow_up import CaseOutcome
from tests.benchmarks.lag import wait_until_caught_up
from tests.e2e.conftest import advance_clocks
from tests.support import som2007
from tests.support.kafka_tools import end_offsets
from tests.support.som2007 import Household
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

SCALE = int(os.environ.get("SOM_SCALE", "10"))
# The register stand-in is ours: triage may ask it as fast as it likes. The follow-up timer
# closes 200 windows a tick; a tick a second closes the whole table's in seconds.
CHAIN_ENV = {
    "TRIAGE_REGISTER_REQUESTS_PER_SECOND": "2000", "TRIAGE_REGISTER_BURST": "100",
    "TRIAGE_TIMER_INTERVAL_SECONDS": "1", "SIGNAL_LOG_LEVEL": "WARNING",
}  # fmt: skip
AMSTERDAM = {"X-API-Key": "dev-gemeente-amsterdam"}
BATCH = 1000
DAY = 24 * 3600
REPORTS_OVERDUE_DAYS = 29  # the final report is due 28 days after the alert (rules ams-arrears-vroeg-eropaf)
WINDOW_CLOSED_DAYS = 367  # TRIAGE_FOLLOW_UP_MONTHS (12) from the alert, and a margin
TIMEOUT = 120 + 600 / SCALE  # seconds for each wait: the whole table takes a few minutes here


def chain_today(chain) -> date:
    response = httpx.post(chain.urls["arrears"] + "/test/clock/advance", json={"seconds": 0.001}, timeout=10)
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["now"]).date()


def post_batch(chain, organisation: str, rows: list[dict]) -> dict[str, str]:
    """Every row accepted; returns reference -> signal id."""
    ids = {}
    with chain.client("arrears", organisation) as client:
        for start in range(0, len(rows), BATCH):
            response = client.post("/v1/signals/batch", json={"signals": rows[start : start + BATCH]}, timeout=300)
            assert response.status_code == 200, response.text
            assert response.json()["rejected"] == [], response.text[:2000]
            ids.update({row["reference"]: row["id"] for row in response.json()["accepted"]})
    return ids


def prevention_alerts(chain, households: list[Household], signal_ids: dict[str, str]) -> dict[int, dict]:
    """Household number -> its prevention alert, as its team reads it."""
    wanted = {signal_ids[h.reference("arrears")]: h.n for h in households}
    found: dict[int, dict] = {}

    def all_raised():
        for team in sorted({h.team for h in households}):
            with chain.client("triage", team) as client:
                response = client.get("/v1/alerts", params={"limit": 500})
            assert response.status_code == 200, response.text
            for alert in response.json():
                if alert["kind"] == "prevention" and alert["signal_id"] in wanted:
                    found[wanted[alert["signal_id"]]] = alert
        return len(found) == len(households)

    eventually(all_raised, timeout=TIMEOUT, interval=1.0, what=f"{len(households)} prevention alerts")
    return found


def report_final(chain, household: Household, alert: dict, on: date) -> None:
    outcome = som2007.FINAL_OUTCOMES[household.n % len(som2007.FINAL_OUTCOMES)]
    with chain.client("triage", household.team) as client:
        response = client.post(
            f"/v1/alerts/{alert['alert_id']}/feedback", json={"type": "report-final", "reported_on": on.isoformat(), "outcome": outcome}
        )
    assert response.status_code == 201, response.text


def everything_handled(chain, posted: int) -> None:
    """The intake has put every signal on Kafka and every consumer of the chain has handled it."""
    eventually(lambda: end_offsets(chain.kafka, chain.prefix + topics.SIGNALS) >= posted, timeout=TIMEOUT,
               interval=0.5, what=f"{posted} signals on Kafka")  # fmt: skip
    _, lags = wait_until_caught_up(chain.kafka, chain.prefix, timeout=TIMEOUT)
    assert lags and not any(lags.values()), f"consumers still behind: {lags}"


def figures(monitor, year: int) -> dict[tuple[str, str], int]:
    response = httpx.get(monitor.url + "/v1/figures", params={"municipality": "0363", "year": year}, headers=AMSTERDAM, timeout=30)
    assert response.status_code == 200, response.text
    return {(f["metric"], f["outcome"]): f["count"] for f in response.json()["figures"] if f["family"] == "all"}


def case_outcomes(monitor, years: set[int]) -> dict[tuple[bool, CaseOutcome], int]:
    """(report missing, outcome) -> count, over the years the alerts were raised in."""
    counted = {(missing, outcome): 0 for missing in (False, True) for outcome in CaseOutcome}
    for year in years:
        shown = figures(monitor, year)
        for missing, outcome in counted:
            metric = "case_outcome_report_missing" if missing else "case_outcome"
            counted[(missing, outcome)] += shown[(metric, outcome.value)]
    return counted


@pytest.fixture(scope="module")
def followed_up(chain, monitor):
    """The households referred, reported on, their endings heard, the windows closed; returns
    the years the alerts count in."""
    households = som2007.households(SCALE)
    today = chain_today(chain)
    assert today > date(2020, 1, 1), "the clocks stand at today's date"
    signal_ids = post_batch(chain, som2007.CORPORATION, [som2007.arrears(h, today - timedelta(days=3)) for h in households])
    alerts = prevention_alerts(chain, households, signal_ids)
    for household in households:
        if not household.report_missing:
            report_final(chain, household, alerts[household.n], today)

    advance_clocks(chain, REPORTS_OVERDUE_DAYS * DAY)  # the missing final reports are overdue now
    day = today + timedelta(days=REPORTS_OVERDUE_DAYS)
    scheduled = [som2007.eviction_scheduled(h, today + timedelta(days=1 + h.n % 20), day) for h in households]
    ended = [som2007.eviction_ended(h, day) for h in households]
    post_batch(chain, som2007.BAILIFF, [row for row in scheduled if row])
    post_batch(chain, som2007.BAILIFF, [row for row in ended if row])
    everything_handled(chain, len(households) + sum(1 for row in scheduled + ended if row))

    advance_clocks(chain, WINDOW_CLOSED_DAYS * DAY)  # every follow-up window has closed
    years = {datetime.fromisoformat(alert["raised_at"]).year for alert in alerts.values()}
    expected = som2007.split(SCALE)
    eventually(lambda: sum(case_outcomes(monitor, years).values()) == sum(expected.values()), timeout=TIMEOUT,
               interval=1.0, what=f"{sum(expected.values())} case outcomes counted")  # fmt: skip
    return years


@pytest.mark.timeout(int(TIMEOUT) * 5 + 120)
def test_what_became_of_each_referred_household_reads_back_as_soms_2007_table(followed_up, monitor):
    counted = case_outcomes(monitor, followed_up)
    assert counted == som2007.split(SCALE)
    table = som2007.som_view(counted)
    assert table == som2007.som_view(som2007.split(SCALE))
    referred = sum(figures(monitor, year)[("prevention", "referred")] for year in followed_up)
    assert referred == table["referrals in total"], "the outcomes are parts of the referrals"
    if SCALE == 1:
        assert table == som2007.report_figures(), "the report's own figures"
