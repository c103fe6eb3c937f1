"""Feature probe: aiokafka against a Kafka broker on loopback.

Adapted from the appendix of shared/research/kafka-infra.md. Checks six things, each with a
bounded timeout: topic creation through the admin API, produce/consume, the idempotent
producer, group manual commit and resume, a two-member rebalance, and a transaction with
``send_offsets_to_transaction`` plus an aborted transaction under ``read_committed``.

    python deploy/kafka/probe.py [BOOTSTRAP]      # default $KAFKA_BOOTSTRAP or 127.0.0.1:9092

Prints PASS/FAIL per feature and a ``SUMMARY n/6`` line; exit status 0 only if all pass.
Set NOADMIN=1 for brokers that cannot create topics through the admin API (our broker has
auto.create.topics.enable=false, so keep the admin path there). Topic names are random,
so the probe can run repeatedly against a long-lived broker.
"""

import asyncio
import os
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

BOOT = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
RESULTS: dict[str, str] = {}


async def check(name, coro, timeout=30):
    t0 = time.monotonic()
    try:
        await asyncio.wait_for(coro, timeout)
        RESULTS[name] = "PASS"
    except Exception as e:  # noqa: BLE001 - a probe reports every failure
        RESULTS[name] = f"FAIL {type(e).__name__}: {str(e)[:160]}"
    print(f"{name}: {RESULTS[name]} ({time.monotonic() - t0:.1f}s)", flush=True)


def topic(prefix):
    return f"probe-{prefix}-{uuid.uuid4().hex[:8]}"


async def create_topic(name, partitions=1):
    if os.environ.get("NOADMIN"):
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOT)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    await asyncio.sleep(0.5)


async def admin_create():
    await create_topic(topic("adm"), 2)


async def produce_consume():
    t = topic("pc")
    await create_topic(t)
    p = AIOKafkaProducer(bootstrap_servers=BOOT)
    await p.start()
    try:
        for i in range(5):
            await p.send_and_wait(t, f"m{i}".encode(), key=b"k")
    finally:
        await p.stop()
    c = AIOKafkaConsumer(t, bootstrap_servers=BOOT, auto_offset_reset="earliest", group_id=None)
    await c.start()
    try:
        got = []
        while len(got) < 5:
            for recs in (await c.getmany(timeout_ms=1000)).values():
                got += [r.value for r in recs]
        assert got == [f"m{i}".encode() for i in range(5)], got
    finally:
        await c.stop()


async def idempotent():
    t = topic("idem")
    await create_topic(t)
    p = AIOKafkaProducer(bootstrap_servers=BOOT, enable_idempotence=True)
    await p.start()
    try:
        for i in range(10):
            await p.send_and_wait(t, f"i{i}".encode())
    finally:
        await p.stop()


async def group_manual_commit():
    t, g = topic("grp"), topic("g")
    await create_topic(t, 2)
    p = AIOKafkaProducer(bootstrap_servers=BOOT)
    await p.start()
    try:
        for i in range(6):
            await p.send_and_wait(t, f"g{i}".encode(), partition=i % 2)
    finally:
        await p.stop()
    c = AIOKafkaConsumer(t, bootstrap_servers=BOOT, group_id=g, enable_auto_commit=False,
                         auto_offset_reset="earliest")
    await c.start()
    try:
        got = 0
        while got < 6:
            got += sum(len(v) for v in (await c.getmany(timeout_ms=1000)).values())
        await c.commit()
        committed = {tp.partition: await c.committed(tp) for tp in c.assignment()}
        assert committed[0] == 3 and committed[1] == 3, committed
    finally:
        await c.stop()
    c2 = AIOKafkaConsumer(t, bootstrap_servers=BOOT, group_id=g, enable_auto_commit=False,
                          auto_offset_reset="earliest")
    await c2.start()
    try:  # a new member resumes after the committed offsets
        assert sum(len(v) for v in (await c2.getmany(timeout_ms=2000)).values()) == 0
    finally:
        await c2.stop()


async def rebalance_two_members():
    t, g = topic("reb"), topic("g")
    await create_topic(t, 2)
    kw = dict(bootstrap_servers=BOOT, group_id=g, session_timeout_ms=10000, heartbeat_interval_ms=500)
    c1 = AIOKafkaConsumer(t, **kw)
    await c1.start()
    try:
        while not c1.assignment():
            await c1.getmany(timeout_ms=500)
        c2 = AIOKafkaConsumer(t, **kw)
        await c2.start()
        try:
            for _ in range(60):
                await asyncio.gather(c1.getmany(timeout_ms=300), c2.getmany(timeout_ms=300))
                if c1.assignment() and c2.assignment() and not (c1.assignment() & c2.assignment()):
                    break
            assert c1.assignment() and c2.assignment(), (c1.assignment(), c2.assignment())
        finally:
            await c2.stop()
    finally:
        await c1.stop()


async def transactions():
    src, dst, g = topic("tsrc"), topic("tdst"), topic("g")
    await create_topic(src)
    await create_topic(dst)
    p = AIOKafkaProducer(bootstrap_servers=BOOT)
    await p.start()
    try:
        for i in range(3):
            await p.send_and_wait(src, f"s{i}".encode())
    finally:
        await p.stop()
    c = AIOKafkaConsumer(src, bootstrap_servers=BOOT, group_id=g, enable_auto_commit=False,
                         auto_offset_reset="earliest", isolation_level="read_committed")
    tx = AIOKafkaProducer(bootstrap_servers=BOOT, transactional_id=topic("tx"))
    await c.start()
    await tx.start()
    try:
        got = []
        while len(got) < 3:
            for recs in (await c.getmany(timeout_ms=1000)).values():
                got += recs
        async with tx.transaction():  # committed, together with the consumer offsets
            for r in got:
                await tx.send(dst, r.value.upper())
            await tx.send_offsets_to_transaction({TopicPartition(src, 0): got[-1].offset + 1}, g)
        await tx.begin_transaction()  # aborted: invisible to read_committed
        await tx.send(dst, b"ABORTED")
        await tx.abort_transaction()
    finally:
        await tx.stop()
        await c.stop()
    rc = AIOKafkaConsumer(dst, bootstrap_servers=BOOT, group_id=None, auto_offset_reset="earliest",
                          isolation_level="read_committed")
    await rc.start()
    try:
        vals = []
        for _ in range(10):
            for recs in (await rc.getmany(timeout_ms=500)).values():
                vals += [r.value for r in recs]
        assert vals == [b"S0", b"S1", b"S2"], vals
    finally:
        await rc.stop()
    c3 = AIOKafkaConsumer(src, bootstrap_servers=BOOT, group_id=g, enable_auto_commit=False)
    await c3.start()
    try:
        assert await c3.committed(TopicPartition(src, 0)) == 3
    finally:
        await c3.stop()


async def main() -> int:
    import aiokafka

    print(f"aiokafka {aiokafka.__version__}, python {sys.version.split()[0]}, broker {BOOT}", flush=True)
    await check("admin_create_topics", admin_create())
    await check("produce_consume", produce_consume())
    await check("idempotent_producer", idempotent())
    await check("group_manual_commit", group_manual_commit(), 40)
    await check("group_rebalance_2_members", rebalance_two_members(), 60)
    await check("transactions_send_offsets", transactions(), 60)
    passed = sum(v == "PASS" for v in RESULTS.values())
    print(f"SUMMARY {passed}/{len(RESULTS)} passed against {BOOT}")
    return 0 if passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
