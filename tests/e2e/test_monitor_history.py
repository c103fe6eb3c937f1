"""A municipality loads its history and reads the report's Table 1 back, year by year.

The stream is built from Table 1 of the 2009 report (Amsterdam's scheduled evictions
2000-2007 and their outcomes, `tests/support/table1.py`): every offered eviction scheduled
once and ending in exactly one outcome. It goes through the real chain (intake, triage,
placement, notifications as processes on real Kafka and PostgreSQL) and the monitor, with
every clock at today's date, posted by the bailiff through the batch intake. The monitor
must file each eviction under its own year, not under the year the chain received it.

CI runs the table at 1/20 of its size (every figure divided by 20, rounded down): the same
years, columns and dates, about 3,000 signals. The whole table (about 60,000 signals) runs
with `TABLE1_SCALE=1`:

    TABLE1_SCALE=1 .venv/bin/python -m pytest tests/e2e/test_monitor_history.py
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, date, datetime

import httpx
import pytest

from tests.conftest import create_database, drop_database
from tests.support import table1
from tests.support.processes import ServiceProcess, free_port
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

SCALE = int(os.environ.get("TABLE1_SCALE", "20"))
# The register stand-in is ours: triage may ask it as fast as it likes (the default 50/s is
# the load agreed with a real register; at that rate the whole table would take 20 minutes).
CHAIN_ENV = {"TRIAGE_REGISTER_REQUESTS_PER_SECOND": "2000", "TRIAGE_REGISTER_BURST": "100", "SIGNAL_LOG_LEVEL": "WARNING"}
AMSTERDAM = {"X-API-Key": "dev-gemeente-amsterdam"}
BATCH = 1000
COUNTING_TIMEOUT = 120 + 12 * 60 / SCALE * 2  # seconds: about 12 minutes for the whole table here


@pytest.fixture(scope="module")
def monitor(chain, postgres_admin_url, tmp_path_factory):
    name, url = create_database(postgres_admin_url, "monitor")
    port = free_port()
    env = {**chain.env, "MONITOR_PORT": str(port), "MONITOR_DATABASE_URL": url}
    process = ServiceProcess("services.monitor", port, env, tmp_path_factory.mktemp("monitor"))
    chain.processes["monitor"] = process  # its log shows up when a test fails
    process.start()
    process.wait_ready()
    yield process
    process.stop()
    drop_database(postgres_admin_url, name)


def chain_today(chain) -> date:
    response = httpx.post(chain.urls["arrears"] + "/test/clock/advance", json={"seconds": 0.001}, timeout=10)
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["now"]).date()


def load_history(chain, stream: list[dict]) -> None:
    with httpx.Client(base_url=chain.urls["arrears"], headers={"X-API-Key": f"dev-{table1.BAILIFF}"}, timeout=300) as client:
        for start in range(0, len(stream), BATCH):
            response = client.post("/v1/signals/batch", json={"signals": stream[start : start + BATCH]})
            assert response.status_code == 200, response.text
            assert response.json()["rejected"] == [], response.text[:2000]


def table(monitor: ServiceProcess) -> httpx.Response:
    response = httpx.get(monitor.url + "/v1/tables/evictions", params={"municipality": "0363"}, headers=AMSTERDAM, timeout=30)
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def loaded(chain, monitor):
    """The history posted; returns the table the monitor must show, when it was loaded, and the stream."""
    rows = table1.table(SCALE)
    stream = table1.signals(rows)
    assert chain_today(chain) > date(2020, 1, 1), "the clocks stand at today's date"
    loaded_at = datetime.now(UTC)
    load_history(chain, stream)
    expected = table1.expected_table(rows)
    total = sum(row.offered for row in rows)
    last = {}

    def counted() -> bool:
        last["rows"] = table(monitor).json()["rows"]
        return sum(r["aanbod_offered"] for r in last["rows"]) == total and sum(
            r[column] for r in last["rows"] for column in table1.OUTCOME_COLUMNS
        ) == total

    try:
        eventually(counted, timeout=COUNTING_TIMEOUT, interval=1.0, what=f"{total} scheduled evictions and their outcomes counted")
    except AssertionError:
        raise AssertionError(f"the monitor's table: {last.get('rows')}\nexpected: {expected}") from None
    return expected, loaded_at, stream


@pytest.mark.timeout(int(COUNTING_TIMEOUT) + 300)
def test_the_history_reads_back_as_table_1_year_by_year_exactly(loaded, monitor):
    expected, _, _ = loaded
    rows = {row["year"]: row for row in table(monitor).json()["rows"]}
    assert sorted(rows) == list(range(2000, 2008)), "each eviction in its own year, none in the year it was posted"
    for year, columns in expected.items():
        shown = {column: rows[year][column] for column in columns}
        assert shown == columns, year
        assert rows[year]["noorderzon_left_unknown_destination"] == 0
    assert rows[2000]["afgemeld_withdrawn"] == 0, "2000-2003 have no withdrawn column"
    if SCALE == 1:
        assert (rows[2004]["aanbod_offered"], rows[2007]["ontruimd_evicted"]) == (4408, 1303), "the report's own figures"


def test_a_closed_year_says_it_changed_when_its_history_arrived(loaded, monitor):
    _, loaded_at, _ = loaded
    answer = table(monitor)
    for row in answer.json()["rows"]:
        assert datetime.fromisoformat(row["last_changed"]) >= loaded_at.replace(microsecond=0), row["year"]
    assert answer.headers["Last-Modified"].endswith("GMT")


def test_the_announcements_count_as_signals_on_the_day_the_bailiff_made_them(loaded, monitor):
    """A January eviction is announced 30 days ahead, in December of the year before: the
    signal counts in that December, the eviction in January."""
    _, _, stream = loaded
    announced = Counter(row["observed_on"][:7] for row in stream if row["type"] == "eviction.scheduled")
    scheduled = Counter(row["eviction_date"][:7] for row in stream if row["type"] == "eviction.scheduled")
    for year, month in ((1999, 12), (2004, 1)):
        response = httpx.get(
            monitor.url + "/v1/figures", params={"municipality": "0363", "year": year, "month": month}, headers=AMSTERDAM, timeout=30
        )
        assert response.status_code == 200, response.text
        figures = {(f["metric"], f["outcome"], f["family"]): f["count"] for f in response.json()["figures"]}
        period = f"{year:04d}-{month:02d}"
        assert figures[("signal", "eviction.scheduled", "all")] == announced[period], period
        assert figures[("eviction", "scheduled", "all")] == scheduled[period], period
