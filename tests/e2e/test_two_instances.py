"""Two instances of every consuming service, each pair on one PostgreSQL database and in one
consumer group, on real Kafka: every event reaches Kafka once (two relays, one database),
every signal has one effect (two consumers sharing partitions, the processed-event inbox),
and every timer fires once (two timer workers racing on the same due rows).

Nothing crashes here, so a record on Kafka twice could only come from two relays
publishing one outbox row, and a second reminder or escalation only from two timers
claiming one due row. (Webhook deliveries by two deliverers are left to the deliverer's
own tests.)"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from shared.contracts import event_types
from shared.contracts import topics as chain_topics
from shared.runtime import DEFAULT_PARTITIONS
from tests.conftest import create_database, drop_database
from tests.support.kafka_tools import read_all
from tests.support.metrics import scrape
from tests.support.processes import ServiceProcess, free_port
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")
FAMILIES, PREVENTIONS = 16, 8
TIMERS = {  # every timer looks often, so both instances race for each due row
    "TRIAGE_TIMER_INTERVAL_SECONDS": "0.2",
    "NOTIFICATIONS_ESCALATION_CHECK_INTERVAL_SECONDS": "0.2",
    "PLACEMENT_TIMER_INTERVAL_SECONDS": "0.2",
    "ARREARS_RETENTION_INTERVAL_SECONDS": "0.5",
    "MONITOR_PURGE_INTERVAL_SECONDS": "0.5",
}


@dataclass
class Twins:
    prefix: str
    kafka: str
    urls: dict[str, list[str]]  # service -> the two instances' URLs
    databases: dict[str, str]  # service -> asyncpg URL

    def post(self, service: str, instance: int, path: str, organisation: str, body: dict) -> httpx.Response:
        headers = {"X-API-Key": f"dev-{organisation}"}
        return httpx.post(self.urls[service][instance] + path, json=body, headers=headers, timeout=10)

    def rows(self, service: str, sql: str) -> list:
        return asyncio.run(_fetch(self.databases[service], sql))

    def events(self, topic: str) -> list[dict]:
        """Every record on the topic, duplicates included."""
        return [json.loads(record.value) for record in read_all(self.kafka, self.prefix + topic)]

    def advance_clocks(self, seconds: float) -> None:
        for service in SERVICES:
            for url in self.urls[service]:
                answer = httpx.post(url + "/test/clock/advance", json={"seconds": seconds}, timeout=10)
                assert answer.status_code == 200, answer.text


async def _fetch(url: str, sql: str) -> list:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def twins(kafka_bootstrap, postgres_admin_url, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("twins-logs")
    prefix = f"w{uuid.uuid4().hex[:8]}."
    databases = {name: create_database(postgres_admin_url, name) for name in SERVICES}
    register_port = free_port()
    common = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "SIGNAL_TOPIC_PREFIX": prefix,
        "REGISTER_PORT": str(register_port),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{register_port}/haalcentraal/api/brp",
        **TIMERS,
        **{f"{name.upper()}_DATABASE_URL": databases[name][1] for name in SERVICES},
    }
    processes = [ServiceProcess("services.register", register_port, common, log_dir, "/health")]
    urls: dict[str, list[str]] = {name: [] for name in SERVICES}
    for name in SERVICES:
        for instance in (0, 1):  # the first migrates the database, as a deploy does once
            port = free_port()
            env = {**common, f"{name.upper()}_PORT": str(port)}
            processes.append(ServiceProcess(f"services.{name}", port, env, log_dir, migrate=instance == 0, name=f"{name}-{instance}"))
            urls[name].append(processes[-1].url)
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready()
        yield Twins(prefix, kafka_bootstrap, urls, {n: u.replace("postgresql+asyncpg", "postgresql") for n, (_, u) in databases.items()})
    finally:
        for process in processes:
            process.stop()
        for name, _url in databases.values():
            drop_database(postgres_admin_url, name)


def dwelling() -> str:
    return f"03630177{random.randrange(10**8):08d}"  # nobody registered there: routing still alerts


@pytest.fixture(scope="module")
def signalled(twins) -> dict[str, list[str]]:
    """Families found at evictions and arrears, posted to both intake instances in turn;
    returns the signal ids once every alert is in notifications' inbox table."""
    ids: dict[str, list[str]] = {"found": [], "arrears": []}
    for n in range(FAMILIES):
        body = {"type": "eviction.family-found", "address": {"adresseerbaarObjectIdentificatie": dwelling()},
                "observed_on": "2026-11-28", "adults": 2, "children_ages": [2, 6]}  # fmt: skip
        answer = twins.post("arrears", n % 2, "/v1/signals", "politie-amsterdam", body)
        assert answer.status_code == 202, answer.text
        ids["found"].append(answer.json()["id"])
    for n in range(PREVENTIONS):
        body = {"type": "arrears.reported", "address": {"adresseerbaarObjectIdentificatie": dwelling()},
                "observed_on": "2026-11-27", "months": 3, "amount_eur": "1200.00"}  # fmt: skip
        answer = twins.post("arrears", n % 2, "/v1/signals", "ymere", body)
        assert answer.status_code == 202, answer.text
        ids["arrears"].append(answer.json()["id"])
    eventually(
        lambda: len(twins.rows("notifications", "SELECT alert_id FROM alert")) >= FAMILIES + PREVENTIONS,
        timeout=90, what="every alert in notifications",
    )  # fmt: skip
    return ids


def test_every_event_reaches_kafka_once_and_every_signal_has_one_effect(twins, signalled):
    for topic in ("signals", "alerts", "placement-requests", "placement", "triage"):
        ids = Counter(event["id"] for event in twins.events(topic))
        assert ids and set(ids.values()) == {1}, f"{topic}: published twice: {[i for i, n in ids.items() if n > 1][:5]}"

    signal_ids = signalled["found"] + signalled["arrears"]
    raised = [e for e in twins.events("alerts") if e["type"] == event_types.ALERT_RAISED]
    assert Counter(e["data"]["signal_id"] for e in raised) == Counter(signal_ids), "one alert per signal"
    assert len(twins.rows("triage", "SELECT case_key FROM household_case")) == len(signal_ids), "one case per household"
    requests = twins.rows("placement", "SELECT case_key FROM placement_request")
    assert len(requests) == len({row["case_key"] for row in requests}) == FAMILIES, "one placement request per family"
    assert len(twins.rows("notifications", "SELECT alert_id FROM alert")) == len(signal_ids)


def test_both_instances_of_every_service_share_its_consumer_groups(twins, signalled):
    """Each group's partitions are split between the two instances, none held twice."""
    groups = {"arrears": 1, "arrears-feedback": 1, "triage": 1, "triage-placement": 1, "placement": 1, "placement-cases": 1, "notifications": 2}
    for service in SERVICES:
        held = [held_partitions(url, twins.prefix) for url in twins.urls[service]]
        names = set(held[0]) | set(held[1])
        assert names, f"{service}: no consumer group"
        for group in names:
            topics = groups.get(group, len(chain_topics.ALL))  # the monitor reads every topic
            assert held[0].get(group, 0) > 0 and held[1].get(group, 0) > 0, f"{service}/{group}: {held}"
            assert held[0][group] + held[1][group] == topics * DEFAULT_PARTITIONS, f"{service}/{group}: {held}"


def held_partitions(url: str, prefix: str) -> dict[str, int]:
    held = scrape(url).by("signaalketen_consumer_partitions", "consumer_group")
    return {group.removeprefix(prefix): int(count) for group, count in held.items()}


def test_every_timer_fires_once_while_both_instances_race_for_it(twins, signalled):
    twins.advance_clocks(2 * 3600)  # urgent alerts unacknowledged for an hour: escalated to the fallback
    eventually(lambda: len(escalated(twins)) >= FAMILIES, timeout=60, what="urgent alerts escalated")
    twins.advance_clocks(16 * 86400)  # reports overdue (reminders), prevention alerts escalate, waitlisted families silent
    eventually(lambda: twins.rows("triage", "SELECT id FROM report_deadline WHERE reminded_at IS NOT NULL"), timeout=60, what="reminders")
    time.sleep(3.0)  # fifteen more rounds of every timer on both instances: room for a second firing

    escalations = Counter(e["data"]["alert_id"] for e in twins.events("deliveries") if e["type"] == event_types.ALERT_ESCALATED)
    assert set(escalations.values()) == {1}, "an alert escalated twice"
    assert set(escalations) == escalated(twins)

    reminders = Counter(
        (e["data"]["regarding_alert_id"], e["data"]["report"])
        for e in twins.events("alerts")
        if e["type"] == event_types.ALERT_RAISED and e["data"]["trigger"] == "report_overdue"
    )
    reminded = twins.rows("triage", "SELECT alert_id, report FROM report_deadline WHERE reminded_at IS NOT NULL")
    assert reminders and set(reminders.values()) == {1}, "a report reminded twice"
    assert set(reminders) == {(str(row["alert_id"]), row["report"]) for row in reminded}

    lost = Counter(e["data"]["request_id"] for e in twins.events("placement") if e["type"] == event_types.PLACEMENT_LOST_FROM_VIEW)
    silent = twins.rows("placement", "SELECT id FROM placement_request WHERE lost_from_view_at IS NOT NULL")
    assert set(lost.values()) <= {1}, "a family reported lost from view twice"
    assert set(lost) == {str(row["id"]) for row in silent}


def escalated(twins) -> set[str]:
    rows = twins.rows("notifications", "SELECT alert_id FROM alert WHERE escalated_to IS NOT NULL")
    return {str(row["alert_id"]) for row in rows}
