"""Talk to the real broker directly: put raw records on a topic, read a topic back."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition


def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    async def run():
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            for key, value in records:
                await producer.send_and_wait(topic, value, key=key)
        finally:
            await producer.stop()

    asyncio.run(run())


def read_all(bootstrap: str, topic: str, *, idle_ms: int = 1500) -> list:
    """Every record on `topic` from the beginning (read until the topic stays idle)."""
    return asyncio.run(read_all_async(bootstrap, topic, idle_ms=idle_ms))


async def read_all_async(bootstrap: str, topic: str, *, idle_ms: int = 1500) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found = []
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=idle_ms)
            if not batch and consumer.assignment():
                break
            for records in batch.values():
                found.extend(records)
    finally:
        await consumer.stop()
    return found


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of the topics, from the broker (a topic that does not exist has none).
    A consumer's own metadata knows only the topics it reads: `AIOKafkaConsumer.topics()`
    fetches the cluster's but does not keep it, so `partitions_for_topic` stays None."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics)) if topics else []
    finally:
        await admin.close()
    return [TopicPartition(d["topic"], p["partition"]) for d in described if not d["error_code"] for p in d["partitions"]]


def end_offsets(bootstrap: str, topic: str) -> int:
    """How many records `topic` has had, over all its partitions (0 before it exists)."""

    async def run() -> int:
        partitions = await partitions_of(bootstrap, [topic])
        if not partitions:
            return 0
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            return sum((await consumer.end_offsets(partitions)).values())
        finally:
            await consumer.stop()

    return asyncio.run(run())


def read_topics(bootstrap: str, topics: list[str], *, idle_ms: int = 1500) -> dict[str, list]:
    """Every record of each topic from the beginning, all partitions, read by one consumer
    until the topics stay idle; topic -> records."""

    async def run() -> dict[str, list]:
        found: dict[str, list] = {topic: [] for topic in topics}
        consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=f"reader-{uuid.uuid4().hex[:8]}",
                                    auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=idle_ms)
                if not batch and consumer.assignment():
                    return found
                for partition, records in batch.items():
                    found[partition.topic].extend(records)
        finally:
            await consumer.stop()

    return asyncio.run(run()) if topics else {}


def topics_named(bootstrap: str, prefix: str) -> list[str]:
    """The broker's topics whose names start with `prefix`."""
    return asyncio.run(topics_with_prefix(bootstrap, prefix, delete=False))


def delete_topics_with_prefix(bootstrap: str, prefix: str) -> list[str]:
    """Delete every topic whose name starts with `prefix` (a benchmark's, when it ends): a
    broker that lives on between runs would otherwise keep them all, and their consumer
    groups' offsets (Kafka drops those of a deleted topic). Returns the topics deleted."""
    return asyncio.run(topics_with_prefix(bootstrap, prefix, delete=True))


async def topics_with_prefix(bootstrap: str, prefix: str, *, delete: bool = False) -> list[str]:
    """The broker's topics whose names start with `prefix`; deleted first when `delete`."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = sorted(topic for topic in await admin.list_topics() if topic.startswith(prefix))
        if delete and topics:
            await admin.delete_topics(topics)
        return topics
    finally:
        await admin.close()


@asynccontextmanager
async def raw_pipe(bootstrap: str, name: str, partitions: int) -> AsyncIterator[tuple[str, AIOKafkaProducer, AIOKafkaConsumer]]:
    """A new topic `<name>-<random>` with an idempotent producer and a consumer group reading it
    from the start, as the chain's own clients are set; the topic is deleted afterwards. For
    the benchmarks' raw aiokafka baselines."""
    topic = f"{name}-{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=2)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=topic, auto_offset_reset="earliest", fetch_max_wait_ms=100
    )
    await producer.start()
    await consumer.start()
    try:
        yield topic, producer, consumer
    finally:
        await producer.stop()
        await consumer.stop()
        await topics_with_prefix(bootstrap, topic, delete=True)
