"""Benchmark: how fast one deliverer drains a backlog to a fast real receiver, the CPU it
takes, and how many deliveries one claim transaction serves; and (`service`) the whole
notifications process alone on PostgreSQL and Kafka, fed alert.raised events as triage
publishes them, to a webhook subscriber in single or batch mode: CPU ms per alert from
/proc, its idle CPU in the same run taken out. Prints figures; asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_deliverer [deliveries] [sqlite|postgres|service|service-batch ...]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.contracts.envelope import encode
from tests.benchmarks.bench_chain import cpu_seconds
from tests.benchmarks.chain import start_chain
from tests.conftest import KAFKA, POSTGRES, create_database, drop_database
from tests.support.deliveries import delivering, runtime_on, seed, undelivered
from tests.support.events import alert_event
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/bench"


async def drain(database_url: str, count: int) -> None:
    receiver = WebhookReceiver().start()
    runtime, checker = runtime_on(database_url), runtime_on(database_url)
    try:
        await seed(checker, receiver, PATH, count)
        started, cpu = time.perf_counter(), time.process_time()
        async with delivering(runtime) as [deliverer]:
            while await undelivered(checker):
                await asyncio.sleep(0.05)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
        repeats = sum(times - 1 for times in receiver.sends_per_event(PATH).values())
        kind = database_url.split(":", 1)[0]
        print(
            f"deliverer {kind}: {count} deliveries in {took:.2f}s = {count / took:.0f}/s at concurrency "
            f"{runtime.settings.delivery_concurrency}; CPU {1000 * cpu / count:.1f} ms per delivery (this process, "
            f"receiver included); {deliverer.claims} claims ({count / deliverer.claims:.1f} per claim), "
            f"{deliverer.outcome_writes} outcome writes ({count / max(1, deliverer.outcome_writes):.1f} per write); "
            f"sent twice: {repeats}"
        )
    finally:
        receiver.stop()
        await checker.engine.dispose()


TEAM = "vroeg-eropaf-amsterdam"
IDLE_SECONDS = 10.0


def as_triage_publishes(n: int):
    """The n-th alert as triage puts it on Kafka: with its `sequence` and a trace context."""
    event = alert_event(TEAM, datetime.now(UTC))
    envelope = event.envelope.model_copy(
        update={"sequence": "0000000001", "traceparent": f"00-{n:032x}-{n + 1:016x}-01"}
    )
    return event.envelope.subject, encode(type(event)(envelope=envelope, data=event.data))


async def feed(topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        sends = []
        for n in range(count):
            key, value = as_triage_publishes(n)
            sends.append(await producer.send(topic, value, key=key.encode()))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


def bench_service(count: int, *, batch: bool) -> None:
    """The notifications process alone: `count` alerts from Kafka to one subscriber's webhook."""
    chain = start_chain(database="postgres", services=("notifications",))
    receiver = WebhookReceiver().start()
    mode = {"delivery_mode": "batch", "batch_max_events": 20, "batch_max_wait_seconds": 1} if batch else {}
    try:
        subscription = httpx.post(
            chain.url("notifications") + "/v1/subscriptions",
            json={"callback_url": receiver.url(PATH), "event_types": ["alert.raised"], **mode},
            headers={"X-API-Key": f"dev-{TEAM}"},
        ).json()
        receiver.secrets[PATH] = subscription["secret"]
        pid = chain.pids()["notifications"]
        idle_from, idle_cpu = time.monotonic(), cpu_seconds(pid)
        time.sleep(IDLE_SECONDS)
        idle_rate = (cpu_seconds(pid) - idle_cpu) / (time.monotonic() - idle_from)
        started, cpu = time.monotonic(), cpu_seconds(pid)
        asyncio.run(feed(chain.env["SIGNAL_TOPIC_PREFIX"] + topics.ALERTS, count))
        while sum(len(r.fresh) for r in list(receiver.received)) < count and time.monotonic() - started < 600:
            time.sleep(0.2)
        took = time.monotonic() - started
        time.sleep(2.0)  # outcomes recorded, alert.delivered relayed
        spent, elapsed = cpu_seconds(pid) - cpu, time.monotonic() - started
        net = spent - idle_rate * elapsed
        posts = sum(1 for r in receiver.received if r.path == PATH)
        print(
            f"notifications service ({'batch' if batch else 'single'} mode): {count} alerts in {took:.1f}s"
            f" ({len(receiver.sends_per_event(PATH))} arrived, {posts} POSTs); CPU {1000 * spent / count:.2f} ms per alert,"
            f" idle {1000 * idle_rate:.0f} ms/s, without idle {1000 * net / count:.2f} ms per alert"
        )
    finally:
        receiver.stop()
        chain.stop()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    kinds = sys.argv[2:] or ["sqlite", "postgres"]
    for kind in kinds:
        if kind.startswith("service"):
            bench_service(count, batch=kind == "service-batch")
        elif kind == "sqlite":
            with tempfile.TemporaryDirectory() as directory:
                asyncio.run(drain(f"sqlite+aiosqlite:///{directory}/n.db", count))
        else:
            name, url = create_database(POSTGRES, "bench_deliverer")
            try:
                asyncio.run(drain(url, count))
            finally:
                drop_database(POSTGRES, name)


if __name__ == "__main__":
    main()
