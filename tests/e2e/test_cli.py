"""The CLI as a partner or an operator runs it: `python -m services.cli` as a process
against the running chain (intake, triage, ... on real Kafka and PostgreSQL), the monitor
next to it, and the real broker for `topics create`."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.contracts import topics
from services.cli.topics import load_definitions
from tests.conftest import create_database, drop_database
from tests.support.cli import run_cli
from tests.support.kafka_tools import read_all
from tests.support.metrics import parse
from tests.support.processes import ServiceProcess, free_port
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

HEADER = [
    "reference", "type", "adresseerbaarObjectIdentificatie", "observed_on", "months", "amount_eur", "grounds",
    "last_chance", "eviction_date", "outcome", "adults", "children_ages", "district",
]
TODAY = date.today()
BIG_FILE_ROWS = 10_000


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def arrears(reference: str, dwelling: str, months: int = 2, **cells) -> dict:
    observed = (TODAY - timedelta(days=3)).isoformat()
    return {"reference": reference, "type": "arrears.reported", "adresseerbaarObjectIdentificatie": dwelling,
            "observed_on": observed, "months": months, "amount_eur": "1450.00", **cells}


def counted(output: str, label: str) -> int:
    """The number on the summary line `label` (a Rich table row)."""
    match = re.search(re.escape(label) + r"\W+(\d+)", output)
    assert match, f"no summary line {label!r} in:\n{output}"
    return int(match.group(1))


def receipt(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


# 30 rows of one corporation's month: 24 arrears, a verdict, a scheduled eviction, a family
# found (Ymere may post every type), and 3 that are wrong: an impossible date and a word for
# a number (the CSV reader refuses them: never sent) and zero months (the intake refuses it).
BAD_DATE_ROW, BAD_NUMBER_ROW, ZERO_MONTHS_ROW = 6, 18, 30  # as a spreadsheet numbers them (header = 1)


def month_of_ymere(run: str) -> list[dict]:
    rows = [arrears(f"{run}-{n}", f"036301000098{n:04d}", months=2 + n % 3) for n in range(1, 25)]
    rows.insert(3, {"reference": f"{run}-verdict", "type": "eviction.verdict-issued", "adresseerbaarObjectIdentificatie": "0363010000970001",
                    "observed_on": TODAY.isoformat(), "grounds": "rent_arrears", "last_chance": "nee"})
    rows.insert(10, {"reference": f"{run}-scheduled", "type": "eviction.scheduled", "adresseerbaarObjectIdentificatie": "0363010000970002",
                     "observed_on": TODAY.isoformat(), "eviction_date": (TODAY + timedelta(days=60)).isoformat()})
    rows.insert(20, {"reference": f"{run}-found", "type": "eviction.family-found", "adresseerbaarObjectIdentificatie": "0363010000970003",
                     "observed_on": TODAY.isoformat(), "adults": "2", "children_ages": "3;7", "district": "nieuw-west"})
    rows.insert(BAD_DATE_ROW - 2, arrears(f"{run}-bad-date", "0363010000960001", observed_on="2026-02-30"))
    rows.insert(BAD_NUMBER_ROW - 2, arrears(f"{run}-bad-number", "0363010000960002", months="twee"))
    rows.insert(ZERO_MONTHS_ROW - 2, arrears(f"{run}-zero-months", "0363010000960003", months=0))
    assert len(rows) == 30
    return rows


@pytest.fixture(scope="module")
def monitor(chain, tmp_path_factory):
    """The monitor next to the module's chain, counting from the beginning of its topics."""
    data = tmp_path_factory.mktemp("monitor")
    port = free_port()
    env = {**chain.env, "MONITOR_PORT": str(port), "MONITOR_DATABASE_URL": f"sqlite+aiosqlite:///{data}/monitor.db"}
    process = ServiceProcess("services.monitor", port, env, data)
    process.start()
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def replayed(chain, tmp_path_factory):
    """The month of Ymere replayed once; the other tests read what it left."""
    folder = tmp_path_factory.mktemp("replay")
    run = f"cli-{uuid.uuid4().hex[:6]}"
    path = write_csv(folder / "ymere-2026-11.csv", month_of_ymere(run))
    result = run_cli(
        "replay", str(path), "--intake", chain.urls["arrears"], "--organisation", "ymere", "--secret", "dev-ymere",
        "--batch-size", "10", "--receipt", str(folder / "receipt.csv"),
    )
    return path, folder / "receipt.csv", result


def test_replay_sends_the_readable_rows_and_summarises_the_refused_ones(chain, replayed):
    _path, receipt_path, result = replayed
    assert result.returncode == 1, result.stdout + result.stderr
    assert "30/30" in result.stderr, "the progress bar ends at every row of the file"
    assert counted(result.stdout, "accepted: new signals") == 27
    assert counted(result.stdout, "accepted: already sent before (same reference)") == 0
    assert counted(result.stdout, "rejected by the intake") == 1
    assert counted(result.stdout, "rejected by the CSV reader (not sent)") == 2
    assert counted(result.stdout, "total") == 30
    reasons = {(line["row"], line["field"]): line for line in receipt(receipt_path) if line["outcome"] in {"rejected", "unreadable"}}
    assert set(reasons) == {(str(BAD_DATE_ROW), "observed_on"), (str(BAD_NUMBER_ROW), "months"), (str(ZERO_MONTHS_ROW), "months")}
    assert reasons[(str(ZERO_MONTHS_ROW), "months")]["outcome"] == "rejected"
    for row, field, message in [
        (BAD_DATE_ROW, "observed_on", "not an existing date"),
        (BAD_NUMBER_ROW, "months", "not a whole number"),
        (ZERO_MONTHS_ROW, "months", "greater than or equal to 1"),
    ]:
        assert re.search(rf"│ {row}\s+│.*│ {field}\s+│ [^│]*{message}", result.stdout), f"row {row} in the summary:\n{result.stdout}"
    assert "twee" not in result.stdout and "2026-02-30" not in result.stdout, "the summary names fields, not content"


def test_accepted_signals_reach_triage_and_are_routed(chain, replayed):
    _path, receipt_path, _result = replayed
    accepted = [line for line in receipt(receipt_path) if line["outcome"] == "accepted"]
    assert len(accepted) == 27
    must_route = [line for line in accepted if not line["reference"].endswith(("-verdict", "-scheduled"))]
    with chain.client("arrears", "ymere") as ymere:
        for line in must_route:  # Amsterdam: arrears of 2+ months to Vroeg Eropaf, a family found to GGD Vangnet
            path = f"/v1/signals/{line['signal_id']}"
            status = eventually(
                lambda path=path: (body := ymere.get(path).json())["status"] == "routed" and body,
                what=f"row {line['row']} routed",
            )
            assert status["reference"] == line["reference"]
        listed = ymere.get("/v1/signals", params={"limit": 200}).json()
    assert {item["id"] for item in listed["items"]} >= {line["signal_id"] for line in accepted}
    assert {item["status"] for item in listed["items"]} <= {"forwarded", "routed"}


def test_replaying_the_same_file_again_publishes_nothing_new(chain, replayed, tmp_path):
    path, _receipt, _result = replayed
    signals_topic = chain.prefix + topics.SIGNALS
    with chain.client("arrears", "ymere") as ymere:
        eventually(lambda: parse(ymere.get("/metrics")).value("signaalketen_outbox_backlog") == 0, what="first run published")
        before = parse(ymere.get("/metrics")).value("signaalketen_outbox_published_total")
        on_topic = len(read_all(chain.kafka, signals_topic))
        again = run_cli(
            "replay", str(path), "--intake", chain.urls["arrears"], "--organisation", "ymere", "--secret", "dev-ymere",
            "--receipt", str(tmp_path / "again.csv"),
        )
        after = parse(ymere.get("/metrics"))
    assert again.returncode == 1, again.stdout + again.stderr
    assert counted(again.stdout, "accepted: new signals") == 0
    assert counted(again.stdout, "accepted: already sent before (same reference)") == 27
    assert after.value("signaalketen_outbox_backlog") == 0 and after.value("signaalketen_outbox_published_total") == before
    assert len(read_all(chain.kafka, signals_topic)) == on_topic
    first_ids = {line["reference"]: line["signal_id"] for line in receipt(replayed[1]) if line["signal_id"]}
    again_ids = {line["reference"]: line["signal_id"] for line in receipt(tmp_path / "again.csv") if line["signal_id"]}
    assert again_ids == first_ids


def test_wrong_secret_or_a_role_that_may_not_post_stops_before_any_row_with_exit_code_2(chain, replayed):
    path, _receipt, _result = replayed
    wrong = run_cli("replay", str(path), "--intake", chain.urls["arrears"], "--organisation", "ymere", "--secret", "guess")
    outsider = run_cli(  # the privacy officer posts no signal at all (teams may post reports of concern)
        "replay", str(path), "--intake", chain.urls["arrears"],
        "--organisation", "functionaris-gegevensbescherming", "--secret", "dev-functionaris-gegevensbescherming",
    )
    assert wrong.returncode == 2 and "refused the credentials of 'ymere'" in wrong.stdout + wrong.stderr
    assert counted(wrong.stdout, "not sent (the run stopped)") == 28
    assert outsider.returncode == 2 and "may not use /v1/signals/batch" in outsider.stdout + outsider.stderr


def test_monitor_export_writes_exact_figures_for_the_municipality_and_suppressed_ones_for_the_public(
    chain, replayed, monitor, tmp_path
):
    year = str(datetime.now(UTC).year)
    common = ["monitor", "export", "--monitor", monitor.url, "--municipality", "0363", "--year", year]
    exact_path, public_path = tmp_path / "exact.csv", tmp_path / "public.csv"

    def signal_counts(path: Path) -> dict[str, str]:
        return {line["outcome"]: line["count"] for line in csv.DictReader(path.open())
                if line["metric"] == "signal" and line["family"] == "all"}

    def exported():
        result = run_cli(*common, "--organisation", "gemeente-amsterdam", "--secret", "dev-gemeente-amsterdam", "--out", str(exact_path))
        assert result.returncode == 0, result.stdout + result.stderr
        return signal_counts(exact_path).get("arrears.reported") == "24"

    eventually(exported, timeout=60, what="the monitor counted the replayed month")
    exact = signal_counts(exact_path)
    assert (exact["eviction.verdict-issued"], exact["eviction.scheduled"], exact["eviction.family-found"]) == ("1", "1", "1")

    public = run_cli(*common, "--public", "--out", str(public_path))
    assert public.returncode == 0, public.stdout + public.stderr
    published = signal_counts(public_path)
    assert published["arrears.reported"] == "24" and published["eviction.family-found"] == "<5"
    assert published["arrears.resolved"] == "0"

    to_stdout = run_cli(*common, "--public")
    assert to_stdout.returncode == 0 and to_stdout.stdout == public_path.read_text()
    no_secret = run_cli(*common)
    assert no_secret.returncode == 2


def test_topics_create_is_idempotent_on_the_real_broker(kafka_bootstrap):
    prefix = f"cli{uuid.uuid4().hex[:8]}."
    expected = {f"{prefix}{name}" for name in topics.ALL} | {topics.dead_letter_topic(f"{prefix}{name}") for name in topics.ALL}
    try:
        first = run_cli("topics", "create", "--bootstrap", kafka_bootstrap, "--prefix", prefix)
        second = run_cli("topics", "create", "--bootstrap", kafka_bootstrap, "--prefix", prefix)
        assert first.returncode == 0, first.stdout + first.stderr
        assert second.returncode == 0, second.stdout + second.stderr
        assert "14 created, 0 existing" in first.stdout
        assert "0 created, 14 existing" in second.stdout
        partitions = load_definitions()["defaults"]["partitions"]
        for name in expected:
            assert re.search(rf"{re.escape(name)}\s+{partitions}\s+1\s+\d+ d\s+created", first.stdout), name
            assert re.search(rf"{re.escape(name)}\s+{partitions}\s+-\s+-\s+existing", second.stdout), name
        described = asyncio.run(_retention(kafka_bootstrap, sorted(expected)))
        assert described[f"{prefix}signals"] == str(730 * 24 * 3600 * 1000)
        assert described[f"{prefix}signals.dlq"] == str(90 * 24 * 3600 * 1000)
    finally:
        asyncio.run(_delete(kafka_bootstrap, sorted(expected)))


async def _retention(bootstrap: str, names: list[str]) -> dict[str, str]:
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        answers = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name) for name in names])
    finally:
        await admin.close()
    found = {}
    for answer in answers:
        for _code, _message, _type, name, configs in answer.resources:
            found[name] = next(value for key, value, *_rest in configs if key == "retention.ms")
    return found


async def _delete(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        if existing & set(names):
            await admin.delete_topics(sorted(existing & set(names)))
    finally:
        await admin.close()


@pytest.fixture
def lone_intake(chain, postgres_admin_url, tmp_path):
    """An intake of its own (own database, own topic prefix) for the big file: its 10,000
    signals stay out of the module's chain, whose triage would be busy with them for minutes."""
    name, url = create_database(postgres_admin_url, "cliintake")
    port = free_port()
    env = {**chain.env, "SIGNAL_TOPIC_PREFIX": f"c{uuid.uuid4().hex[:8]}.", "ARREARS_PORT": str(port), "ARREARS_DATABASE_URL": url}
    process = ServiceProcess("services.arrears", port, env, tmp_path)
    process.start()
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()
        drop_database(postgres_admin_url, name)


def test_a_10000_row_file_goes_through_with_a_progress_bar_and_a_summary(lone_intake, tmp_path):
    run = f"big-{uuid.uuid4().hex[:6]}"
    rows = [arrears(f"{run}-{n}", f"036301001{n:07d}", months=2 + n % 4) for n in range(BIG_FILE_ROWS)]
    path = write_csv(tmp_path / "backfill.csv", rows)
    started = time.monotonic()
    result = run_cli(
        "replay", str(path), "--intake", lone_intake.url, "--organisation", "eigen-haard", "--secret", "dev-eigen-haard",
        timeout=600,
    )
    elapsed = time.monotonic() - started
    print(f"replay of {BIG_FILE_ROWS} rows: {elapsed:.1f} s")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{BIG_FILE_ROWS}/{BIG_FILE_ROWS}" in result.stderr and "Sending signals" in result.stderr
    assert counted(result.stdout, "accepted: new signals") == BIG_FILE_ROWS
    assert counted(result.stdout, "rejected by the intake") == 0
    assert "Rejected rows" not in result.stdout
