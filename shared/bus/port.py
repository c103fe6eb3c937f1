"""What a service needs from a message bus, independent of Kafka."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Protocol, Sequence

from shared.bus.topic_plan import TopicSpec

Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class Record:
    """A record as consumed: where it came from and its raw bytes."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: str
    value: bytes
    headers: Headers = field(default=())


BatchHandler = Callable[[Sequence[Record]], Awaitable[None]]


class Bus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, records: Sequence[OutgoingRecord]) -> list[BaseException | None]:
        """Publish in the given order; per record None when acknowledged, else the error."""

    async def consume(
        self, topics: Sequence[str], group_id: str, handle: BatchHandler, stop: asyncio.Event, linger_ms: int = 0
    ) -> None:
        """Feed every record to `handle` until `stop` is set, in batches: each batch holds
        records of one partition in partition order; batches of different partitions may
        run side by side. With `linger_ms`, a record may wait that long for others to join
        its batch (a consumer nobody waits on: fewer, larger transactions); 0 hands it on at once.

        An offset is committed only after `handle` returned for its batch, so a crash
        replays what was not finished (at-least-once; consumers dedupe)."""

    async def ensure_topics(self, topics: Sequence[TopicSpec | str], partitions: int = 6) -> None:
        """Create the topics that do not exist; never alter one that does. A TopicSpec carries
        its partitions, replication and configs (deploy/kafka/topics.yaml); a bare name gets
        `partitions`, one replica and the broker's defaults (tests)."""

    async def lag(self) -> dict[str, int]:
        """Unconsumed records per consumer group of this process."""

    def assigned_partitions(self) -> dict[str, int]:
        """Partitions this process holds now, per consumer group: how instances share the work."""
