"""The three-broker cluster (deploy/kafka/cluster.sh): topics as topics.yaml says them, with
three replicas of which two must have a write; and a broker killed with -9 while the
outbox relay produces and a consumer group consumes loses no acknowledged event."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.bus.kafka import KafkaBus
from shared.bus.topic_plan import load_definitions, plan
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import OutboxMessage
from shared.persistence.relay import OutboxRelay
from shared.runtime import chain_topics_plan
from shared.settings import ServiceSettings
from tests.support.cluster_topics import assert_as_topics_yaml_says, describe, known_topics
from tests.support.kafka_cluster import REPO, KafkaCluster
from tests.support.numbered_events import number_of, numbered_event

pytestmark = pytest.mark.kafka
PORT = int(os.environ.get("SIGNAL_TEST_KAFKA_CLUSTER_PORT", "19492"))  # 19492-19494; controllers +100
ROUNDS, PER_ROUND = 60, 20


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = KafkaCluster(PORT, PORT + 100, tmp_path_factory.mktemp("kafka-cluster"))
    try:
        print(cluster.start())
    except Exception as exc:  # noqa: BLE001 - a missing cluster fails the test, never skips it
        pytest.fail(f"the three-broker cluster did not start: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


async def test_the_cli_creates_every_topic_with_three_replicas_and_two_in_sync(cluster):
    prefix = f"c{uuid.uuid4().hex[:8]}."
    created = subprocess.run(
        [sys.executable, "-m", "services.cli", "topics", "create", "--bootstrap", cluster.bootstrap, "--prefix", prefix],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr

    topics, configs = await describe(cluster.bootstrap, [spec.name for spec in plan(load_definitions(), prefix)])
    assert_as_topics_yaml_says(prefix, topics, configs)


async def test_a_service_creates_a_missing_topic_exactly_as_topics_yaml_says(cluster):
    settings = ServiceSettings(kafka_bootstrap=cluster.bootstrap, topic_prefix=f"s{uuid.uuid4().hex[:8]}.", topic_replication=3)
    bus = KafkaBus(settings.kafka_bootstrap, client_id="test-service")
    await bus.ensure_topics(chain_topics_plan(settings))

    topics, configs = await describe(cluster.bootstrap, [spec.name for spec in chain_topics_plan(settings)])
    assert_as_topics_yaml_says(settings.topic_prefix, topics, configs)


async def test_a_broker_killed_while_producing_and_consuming_loses_nothing(cluster, tmp_path):
    settings = ServiceSettings(kafka_bootstrap=cluster.bootstrap, topic_prefix=f"k{uuid.uuid4().hex[:8]}.", topic_replication=3)
    [signals] = [spec for spec in chain_topics_plan(settings) if spec.name.endswith("signals")]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/outbox.db")
    await create_tables(engine)
    sessions = session_factory(engine)
    producer_bus, consumer_bus = KafkaBus(cluster.bootstrap, client_id="relay"), KafkaBus(cluster.bootstrap, client_id="consumer")
    await producer_bus.ensure_topics([signals])
    await producer_bus.start()
    relay = OutboxRelay(sessions, producer_bus)
    received: list[int] = []
    stop = asyncio.Event()

    async def handle(records) -> None:
        received.extend(number_of(record.value) for record in records)

    async def keep_consuming() -> None:  # as the runtime's supervisor does: a failed consumer starts again
        while not stop.is_set():
            try:
                await consumer_bus.consume([signals.name], settings.topic_prefix + "group", handle, stop)
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.5)

    workers = [asyncio.create_task(relay.run(stop)), asyncio.create_task(keep_consuming())]
    victim = await leader_of_partition_zero(cluster.bootstrap, signals.name)
    staged, restarted = 0, None
    try:
        for round_ in range(ROUNDS):
            async with sessions() as session, session.begin():
                for n in range(staged, staged + PER_ROUND):
                    session.add(OutboxMessage(event_id=uuid.uuid4(), topic=signals.name, key=f"hh-{n % 13}",
                                              value=numbered_event(n), created_at=datetime.now(UTC)))  # fmt: skip
            staged += PER_ROUND
            relay.wake()
            if round_ == ROUNDS // 4:
                await asyncio.to_thread(cluster.kill, victim)  # kill -9, mid-stream
                assert cluster.pid(victim) is None
            if round_ == ROUNDS // 2:  # back while the relay goes on producing
                restarted = asyncio.create_task(asyncio.to_thread(cluster.restart, victim))
            await asyncio.sleep(0.1)
        await restarted
        try:
            async with asyncio.timeout(120):
                while set(received) != set(range(staged)):
                    await asyncio.sleep(0.2)
        except TimeoutError:
            missing = sorted(set(range(staged)) - set(received))
            pytest.fail(
                f"{len(missing)} of {staged} events not consumed after 120 s (first {missing[:10]}); "
                f"outbox rows not yet published {await relay.backlog()}, relay published {relay.published}; "
                f"consumer lag {await consumer_bus.lag()}, partitions assigned {consumer_bus.assigned_partitions()}"
            )
    finally:
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)
        await producer_bus.stop()
        await engine.dispose()
    assert set(received) == set(range(staged)), f"lost: {sorted(set(range(staged)) - set(received))[:20]}"
    await asyncio.to_thread(cluster.wait_in_sync)  # the restarted node caught up: every partition has 3 in sync again
    rss = ", ".join(f"node {n} {cluster.rss_mib(n)} MiB" for n in (1, 2, 3))
    print(f"{staged} events through a kill -9 of node {victim}: none lost, {len(received) - staged} redelivered; RSS {rss}")


async def leader_of_partition_zero(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    await admin.start()
    try:
        [described] = await known_topics(admin, [topic])
    finally:
        await admin.close()
    return next(p["leader"] for p in described["partitions"] if p["partition"] == 0)
