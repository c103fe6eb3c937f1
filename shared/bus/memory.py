"""In-memory bus. For unit tests only: integration and end-to-end tests run on Kafka."""

from __future__ import annotations

import asyncio
import zlib
from collections import defaultdict
from typing import Sequence

from shared.bus.port import BatchHandler, OutgoingRecord, Record
from shared.bus.topic_plan import TopicSpec


class InMemoryBus:
    def __init__(self, partitions: int = 3):
        self._partitions = partitions
        self._logs: dict[tuple[str, int], list[Record]] = defaultdict(list)
        self._committed: dict[tuple[str, str, int], int] = defaultdict(int)
        self.fail_next_publish: BaseException | None = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        results: list[BaseException | None] = []
        for record in records:
            if self.fail_next_publish is not None:
                results.append(self.fail_next_publish)
                self.fail_next_publish = None
                continue
            partition = zlib.crc32(record.key.encode()) % self._partitions
            log = self._logs[(record.topic, partition)]
            log.append(
                Record(record.topic, partition, len(log), record.key.encode(), record.value, tuple(record.headers))
            )
            results.append(None)
        return results

    def append_raw(self, topic: str, value: bytes | None, key: bytes = b"k") -> None:
        """Put arbitrary bytes on a topic, as a hostile or broken producer would."""
        log = self._logs[(topic, 0)]
        log.append(Record(topic, 0, len(log), key, value))

    def committed(self, group_id: str, topic: str, partition: int = 0) -> int:
        """The next offset `group_id` will read on the partition (what it committed)."""
        return self._committed[(group_id, topic, partition)]

    def records(self, topic: str) -> list[Record]:
        found = [record for (name, _), log in self._logs.items() if name == topic for record in log]
        return sorted(found, key=lambda record: (record.partition, record.offset))

    async def deliver_pending(
        self, topics: Sequence[str], group_id: str, handle: BatchHandler, max_batch: int = 200
    ) -> int:
        """Hand every uncommitted record of `topics` to `handle`, in batches per partition
        as Kafka's adapter does; returns how many."""
        delivered = 0
        for (name, partition), log in list(self._logs.items()):
            if name not in topics:
                continue
            while (position := self._committed[(group_id, name, partition)]) < len(log):
                batch = log[position : position + max_batch]
                await handle(batch)
                self._committed[(group_id, name, partition)] = batch[-1].offset + 1
                delivered += len(batch)
        return delivered

    async def consume(
        self, topics: Sequence[str], group_id: str, handle: BatchHandler, stop: asyncio.Event, linger_ms: int = 0
    ) -> None:  # no lingering in memory: every record is handed on at once
        while not stop.is_set():
            if not await self.deliver_pending(topics, group_id, handle):
                await asyncio.sleep(0.01)

    async def ensure_topics(self, topics: Sequence[TopicSpec | str], partitions: int = 6) -> None:
        return None

    def assigned_partitions(self) -> dict[str, int]:
        """One process holds every partition it has seen."""
        held: dict[str, int] = defaultdict(int)
        for group_id, _topic, _partition in self._committed:
            held[group_id] += 1
        return dict(held)

    async def lag(self) -> dict[str, int]:
        lags: dict[str, int] = defaultdict(int)
        for (group_id, topic, partition), position in self._committed.items():
            lags[group_id] += len(self._logs[(topic, partition)]) - position
        return dict(lags)
