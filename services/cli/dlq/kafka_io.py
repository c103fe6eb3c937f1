"""The workbench's Kafka: read a topic from its beginning to its end as it is now, read one
record, publish records (idempotent producer, acks=all), create the ledger topic.

The reader uses no consumer group: it assigns itself every partition, so reading
commits nothing and disturbs no group of the chain.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services.cli.dlq.letters import DeadLetter, Location
from services.cli.topics import TopicSpec, broker_count, create, fit_to_cluster
from shared.bus.port import Headers

CLIENT_ID = "signaalketen-dlq"
READ_TIMEOUT = 60.0  # seconds to read a topic to its end before giving up


@dataclass(frozen=True)
class RawRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    timestamp_ms: int

    def dead_letter(self) -> DeadLetter:
        return DeadLetter.from_record(
            self.topic, self.partition, self.offset, self.key, self.value, self.headers, self.timestamp_ms
        )


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()


async def existing_topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id=CLIENT_ID, request_timeout_ms=10000)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def partition_numbers(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id=CLIENT_ID, request_timeout_ms=10000)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(partition["partition"] for found in described if found["error_code"] == 0 for partition in found["partitions"])


async def read_topic(bootstrap: str, topic: str) -> list[RawRecord]:
    """Every record the topic holds now, in partition and offset order."""
    partitions = [TopicPartition(topic, number) for number in await partition_numbers(bootstrap, topic)]
    if not partitions:
        return []
    consumer = _reader(bootstrap)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: list[RawRecord] = []
        async with asyncio.timeout(READ_TIMEOUT):
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                batches = await consumer.getmany(timeout_ms=500)
                for tp, records in batches.items():
                    found += [_raw(record) for record in records if record.offset < ends[tp]]
        return sorted(found, key=lambda record: (record.partition, record.offset))
    finally:
        await consumer.stop()


async def read_one(bootstrap: str, place: Location) -> RawRecord | None:
    if place.partition not in await partition_numbers(bootstrap, place.topic):
        return None
    tp = TopicPartition(place.topic, place.partition)
    consumer = _reader(bootstrap)
    await consumer.start()
    try:
        consumer.assign([tp])
        begin, end = (await consumer.beginning_offsets([tp]))[tp], (await consumer.end_offsets([tp]))[tp]
        if not begin <= place.offset < end:
            return None
        consumer.seek(tp, place.offset)
        async with asyncio.timeout(READ_TIMEOUT):
            while True:
                for record in (await consumer.getmany(tp, timeout_ms=500)).get(tp, []):
                    return _raw(record) if record.offset == place.offset else None
    finally:
        await consumer.stop()


async def publish(bootstrap: str, records: Sequence[Outgoing]) -> list[Location]:
    """Publish in order; each record's place once the broker acknowledged it (acks=all)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, client_id=CLIENT_ID, enable_idempotence=True, request_timeout_ms=15000)
    await producer.start()
    try:
        places = []
        for record in records:
            sent = await producer.send_and_wait(record.topic, record.value, key=record.key, headers=list(record.headers))
            places.append(Location(sent.topic, sent.partition, sent.offset))
        return places
    finally:
        await producer.stop()


async def ensure_topic(bootstrap: str, spec: TopicSpec) -> None:
    """Create the topic as specified (replication fitted to the cluster) unless it exists."""
    await create(bootstrap, fit_to_cluster([spec], await broker_count(bootstrap)))


def _reader(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap, client_id=CLIENT_ID, group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest", request_timeout_ms=15000,
    )  # fmt: skip


def _raw(record) -> RawRecord:
    return RawRecord(
        topic=record.topic, partition=record.partition, offset=record.offset, key=record.key, value=record.value,
        headers=tuple(record.headers or ()), timestamp_ms=record.timestamp,
    )  # fmt: skip
