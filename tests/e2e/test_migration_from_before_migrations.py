"""A deployment made before migrations existed is adopted without losing a row.

The services of commit ba00dfe (the last without migrations; they created their tables at
start) run a small chain on fresh PostgreSQL databases: a family's arrears become an alert
at the prevention team's webhook, a family found at an eviction becomes an urgent alert
and a placement request, the team reads the case. Then `python -m services.<name> migrate` of
this code adopts each database (stamps the baselines, upgrades to the heads); every row is
still there, the schema is exactly the models', and the services of this code start on it
and read the case."""

from __future__ import annotations

import asyncio
import subprocess
import tarfile
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from shared.contracts import event_types
from shared.migrations import runner
from shared.persistence.database import create_engine
from tests.conftest import create_database, drop_database
from tests.support.processes import REPO, ServiceProcess, free_port
from tests.support.wait import eventually
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

BEFORE_MIGRATIONS = "ba00dfe"
SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")
FAMILY_DWELLING = "0363010001004477"  # official test persons: two parents and children
MUST_HAVE_ROWS = {  # what the small chain writes in each database, at least
    "arrears": ("signal", "signal_routing", "outbox"),
    "triage": ("household_case", "case_entry", "alert", "report_deadline", "outbox", "processed_event", "audit_entry"),
    "placement": ("facility", "placement_request", "outbox", "processed_event"),
    "notifications": ("subscription", "alert", "delivery", "processed_event"),
    "monitor": ("counter", "processed_event", "monitor_generation"),
}
# Tables a later migration removes on purpose, their rows moved elsewhere (checked in the
# migration's own test): the intake's old deletion log went into the chain's deletion_log
# (arrears_0004; tests/unit/arrears/test_retention.py).
DROPPED = {"arrears": {"retention_deletion"}}


def checkout_before_migrations(into: Path) -> Path:
    """services/, shared/ and deploy/ of the commit before the first migration."""
    archive = into / "before.tar"
    done = subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), BEFORE_MIGRATIONS, "services", "shared", "deploy"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, f"commit {BEFORE_MIGRATIONS} must be in this clone's history: {done.stderr}"
    with tarfile.open(archive) as tar:
        tar.extractall(into / "code", filter="data")
    return into / "code"


def start(processes: list[ServiceProcess]) -> None:
    for process in processes:
        process.start()
    for process in processes:
        process.wait_ready()


def stop(processes: list[ServiceProcess]) -> None:
    for process in processes:
        process.stop()


async def snapshot(url: str) -> dict[str, tuple[list[str], list[str]]]:
    """Every table: its columns and its rows (as text, sorted)."""
    connection = await asyncpg.connect(url)
    try:
        tables = [r["tablename"] for r in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        found = {}
        for table in tables:
            if table == "alembic_version":
                continue
            columns = [r["column_name"] for r in await connection.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", table)]  # fmt: skip
            found[table] = (columns, await rows_of(connection, table, columns))
        return found
    finally:
        await connection.close()


async def rows_of(connection, table: str, columns: list[str]) -> list[str]:
    listed = ", ".join(f'"{column}"' for column in columns)
    return sorted(repr(tuple(row)) for row in await connection.fetch(f'SELECT {listed} FROM "{table}"'))


async def rows_now(url: str, before: dict) -> dict[str, list[str]]:
    """The same columns of the same tables, read again."""
    connection = await asyncpg.connect(url)
    try:
        return {table: await rows_of(connection, table, columns) for table, (columns, _) in before.items()}
    finally:
        await connection.close()


def test_a_database_made_before_migrations_is_adopted_with_every_row(kafka_bootstrap, postgres_admin_url, tmp_path):
    old_code = checkout_before_migrations(tmp_path)
    databases = {name: create_database(postgres_admin_url, name) for name in SERVICES}
    plain = {name: url.replace("postgresql+asyncpg", "postgresql") for name, (_, url) in databases.items()}
    ports = {name: free_port() for name in (*SERVICES, "register")}
    env = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "SIGNAL_TOPIC_PREFIX": f"m{uuid.uuid4().hex[:8]}.",
        "REGISTER_PORT": str(ports["register"]),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{ports['register']}/haalcentraal/api/brp",
        "NOTIFICATIONS_VERIFY_SUBSCRIPTIONS": "true",
        **{f"{name.upper()}_PORT": str(ports[name]) for name in SERVICES},
        **{f"{name.upper()}_DATABASE_URL": url for name, (_, url) in databases.items()},
    }
    register = ServiceProcess("services.register", ports["register"], env, tmp_path, "/health", cwd=old_code)
    url = {name: f"http://127.0.0.1:{ports[name]}" for name in SERVICES}
    receiver = WebhookReceiver().start()
    old = [ServiceProcess(f"services.{n}", ports[n], env, tmp_path, migrate=False, name=f"{n}-before", cwd=old_code) for n in SERVICES]
    new = [ServiceProcess(f"services.{n}", ports[n], env, tmp_path, migrate=False, name=f"{n}-after") for n in SERVICES]
    try:
        start([register, *old])
        subject = run_a_small_chain(url, receiver)
        # the services of ba00dfe answer /metrics in their JSON, not in Prometheus' format
        eventually(lambda: all(httpx.get(url[n] + "/metrics").json()["outbox_backlog"] == 0 for n in SERVICES), what="outboxes sent")
        stop(old)
        before = {name: asyncio.run(snapshot(plain[name])) for name in SERVICES}
        for name, tables in MUST_HAVE_ROWS.items():
            assert all(before[name][table][1] for table in tables), f"{name}: the old chain wrote too little"

        migrated = {process.service: process.migrate(as_deployed=True) for process in new}  # python -m services.<name> migrate

        for name in SERVICES:
            assert "adopted a database made before migrations" in migrated[name], migrated[name]
            kept = {table: found for table, found in before[name].items() if table not in DROPPED.get(name, set())}
            after = asyncio.run(rows_now(plain[name], kept))
            assert after == {table: rows for table, (_, rows) in kept.items()}, f"{name}: rows changed"
            assert asyncio.run(schema_diff(databases[name][1], name)) == [], f"{name}: schema differs from the models"
        start(new)
        read_the_case_again(url, subject)
    finally:
        stop([*new, *old, register])
        receiver.stop()
        for name, _url in databases.values():
            drop_database(postgres_admin_url, name)


async def schema_diff(url: str, service: str) -> list:
    engine = create_engine(url)
    try:
        return await runner.schema_diff(engine, service)
    finally:
        await engine.dispose()


def client(base: str, organisation: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"X-API-Key": f"dev-{organisation}"}, timeout=10)


def run_a_small_chain(url: dict[str, str], receiver: WebhookReceiver) -> str:
    """Arrears -> alert at a webhook; a family found -> urgent alert and placement request; the team reads the case."""
    with client(url["notifications"], "vroeg-eropaf-amsterdam") as team:
        answer = team.post("/v1/subscriptions", json={"callback_url": receiver.url("/team"), "event_types": ["alert.raised"]})
    assert answer.status_code == 201, answer.text
    receiver.secrets["/team"] = answer.json()["secret"]
    arrears = {"type": "arrears.reported", "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING},
               "observed_on": "2026-11-27", "months": 2, "amount_eur": "1450.00"}  # fmt: skip
    found = {"type": "eviction.family-found", "address": {"adresseerbaarObjectIdentificatie": "0363010000999002"},
             "observed_on": "2026-11-28", "adults": 2, "children_ages": [3, 7]}  # fmt: skip
    with client(url["arrears"], "ymere") as ymere, client(url["arrears"], "politie-amsterdam") as police:
        assert ymere.post("/v1/signals", json=arrears).status_code == 202
        assert police.post("/v1/signals", json=found).status_code == 202
    [alert] = eventually(lambda: receiver.events("/team", event_types.ALERT_RAISED), timeout=60, what="alert at the team's webhook")
    with client(url["placement"], "hvo-querido") as shelter:
        eventually(lambda: shelter.get("/v1/requests").json(), timeout=60, what="placement request at the shelter")
    with client(url["triage"], "vroeg-eropaf-amsterdam") as team:
        assert team.get(f"/v1/cases/{alert['subject']}", params={"purpose": "home visit"}).status_code == 200
    with client(url["monitor"], "gemeente-amsterdam") as municipality:
        # run by the services of ba00dfe only: their /metrics is JSON
        eventually(lambda: municipality.get("/metrics").json()["consumer_lag"] == 0, what="monitor caught up")
    return alert["subject"]


def read_the_case_again(url: dict[str, str], subject: str) -> None:
    with client(url["triage"], "vroeg-eropaf-amsterdam") as team:
        case = team.get(f"/v1/cases/{subject}", params={"purpose": "home visit"})
    assert case.status_code == 200, case.text
    assert case.json()["case_key"] == subject and case.json()["timeline"]
    with client(url["placement"], "hvo-querido") as shelter:
        assert shelter.get("/v1/requests").json(), "the request made before the migration"
