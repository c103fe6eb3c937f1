"""A bus that counts what passes through it, around whichever bus the runtime has.

Counting here, not in the consumer or the outbox relay, keeps one home for the counts of
every path to and from the broker: the relay's events, the dead letters a consumer
writes, and the records a consumer group handles."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Sequence

from shared.bus.dead_letter_metrics import dead_letter_origin
from shared.bus.port import BatchHandler, Bus, OutgoingRecord, Record
from shared.bus.topic_plan import TopicSpec
from shared.metrics.registry import ServiceMetrics


class MeteredBus:
    def __init__(self, bus: Bus, metrics: ServiceMetrics):
        self.inner = bus
        self._metrics = metrics

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    async def publish(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        results = await self.inner.publish(records)
        for record, error in zip(records, results):
            if error is not None:
                continue
            self._metrics.produced.labels(topic=record.topic).inc()
            origin = dead_letter_origin(record.headers)
            if origin is not None:
                self._metrics.dead_lettered(*origin)
        return results

    async def consume(
        self, topics: Sequence[str], group_id: str, handle: BatchHandler, stop: asyncio.Event, linger_ms: int = 0
    ) -> None:
        async def handle_and_count(records: Sequence[Record]) -> None:
            await handle(records)
            for topic, count in Counter(record.topic for record in records).items():
                self._metrics.consumed.labels(topic=topic).inc(count)

        await self.inner.consume(topics, group_id, handle_and_count, stop, linger_ms)

    async def ensure_topics(self, topics: Sequence[TopicSpec | str], partitions: int = 6) -> None:
        await self.inner.ensure_topics(topics, partitions)

    async def lag(self) -> dict[str, int]:
        return await self.inner.lag()

    def assigned_partitions(self) -> dict[str, int]:
        return self.inner.assigned_partitions()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)  # what an adapter has besides the port (KafkaBus.assigned)
