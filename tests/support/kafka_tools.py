"""Talk to the real broker directly: put raw records on a topic, read a topic back."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


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
