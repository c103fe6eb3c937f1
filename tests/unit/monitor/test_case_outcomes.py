"""Did prevention prevent the eviction? The monitor counts what became of each household
after a prevention referral (triage's prevention.followed-up) in the referral's period, as
parts of the referrals, split by whether the team's final report came in. A stream of the
shape of SOM's 2007 registration for (Vroeg) Eropaf in Amsterdam
(docs/domain.md#prevention-results-in-amsterdam-2007) reads back exactly.

SOM: 1353 referrals; no result reported for 324; of the 1029 with one, 806 not evicted, 61
evicted, 162 unknown. In the chain "not evicted" is `no_eviction` (nothing was scheduled)
or `eviction_not_executed` (scheduled, then called off or paid); "no result reported" is a
referral whose team's final report is missing (`case_outcome_report_missing`), whatever
happened at the dwelling.
"""

from __future__ import annotations

from datetime import UTC, datetime

from shared.clock import FakeClock
from shared.contracts.events.follow_up import CaseOutcome
from services.monitor.app import create_app
from services.monitor.settings import MonitorSettings
from tests.support.apps import key, running, unit_runtime
from tests.support.wait import wait_for
from tests.support import events as s
from tests.support.events import publish
from tests.support.figures import figure

NO, NOT_EXECUTED, EVICTED, UNKNOWN = CaseOutcome
REPORTED = [NO] * 700 + [NOT_EXECUTED] * 106 + [EVICTED] * 61 + [UNKNOWN] * 162  # 806 not evicted
MISSING = [NO] * 250 + [NOT_EXECUTED] * 30 + [EVICTED] * 20 + [UNKNOWN] * 24  # SOM: no result reported
MUNICIPALITY = key("gemeente-amsterdam")


def som_2007_stream() -> list:
    """1353 prevention alerts through 2007, and the outcome of each a year later."""
    outcomes = [(outcome, False) for outcome in REPORTED] + [(outcome, True) for outcome in MISSING]
    events = []
    for i, (outcome, missing) in enumerate(outcomes):
        alert = s.alert(datetime(2007, 1 + i % 12, 1 + i % 28, 10, tzinfo=UTC), is_family=i % 3 == 0, district=None)
        events.append(alert)
        events.append(s.followed_up(alert, outcome, alert.envelope.time.replace(year=2008), report_missing=missing))
    return events


async def figures(client, year: int, month: int | None = None) -> dict:
    params = {"municipality": "0363", "year": year, **({"month": month} if month else {})}
    response = await client.get("/v1/figures", params=params, headers=MUNICIPALITY)
    assert response.status_code == 200, response.text
    return response.json()


def outcomes(body, metric: str, family: str = "all") -> dict[str, int]:
    return {o.value: figure(body, metric, o.value, family) for o in CaseOutcome}


async def test_the_outcomes_of_a_years_referrals_read_back_in_the_year_of_the_referral(tmp_path, bus):
    app = create_app(unit_runtime(MonitorSettings, tmp_path, bus, FakeClock(datetime(2009, 3, 1, tzinfo=UTC))))
    async with running(app) as client:
        await publish(bus, *som_2007_stream())

        async def counted():
            body = await figures(client, 2007)
            done = sum(outcomes(body, "case_outcome").values()) + sum(outcomes(body, "case_outcome_report_missing").values())
            return body if done == 1353 else None

        year = await wait_for(counted, what="every referral's outcome counted", timeout=120)
        january = await figures(client, 2007, 1)
        arrival_year = await figures(client, 2008)

    reported, missing = outcomes(year, "case_outcome"), outcomes(year, "case_outcome_report_missing")
    assert figure(year, "prevention", "referred") == figure(year, "alert", "prevention") == 1353
    assert sum(missing.values()) == 324 and sum(reported.values()) == 1029
    not_evicted = reported["no_eviction"] + reported["eviction_not_executed"]
    assert (not_evicted, reported["evicted"], reported["unknown"]) == (806, 61, 162)
    assert missing == {"no_eviction": 250, "eviction_not_executed": 30, "evicted": 20, "unknown": 24}
    evicted_families = sum(1 for i in range(806, 867) if i % 3 == 0)
    assert outcomes(year, "case_outcome", "family")["evicted"] == evicted_families
    assert outcomes(january, "case_outcome")["evicted"] == sum(1 for i in range(806, 867) if i % 12 == 0)
    assert sum(outcomes(arrival_year, "case_outcome").values()) == 0, "counted by the referral, not by the arrival"
