"""A batch cancelled at a rebalance commits nothing, and the partitions this member keeps
start again from the batch's first record (shared.bus.kafka.PartitionWork, docs/adr/0047);
a batch that ends hands its partitions back while a fetch is still waiting (docs/adr/0050).
The consumer is a recording stand-in: what matters is which offsets are committed, where
the kept partition is moved back to and when a partition resumes, which a real broker
cannot be made to show on cue (tests/integration/test_kafka_batches.py covers the rest on
the real one)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from aiokafka import TopicPartition

from shared.bus import kafka
from shared.bus.kafka import KafkaBus, PartitionWork

KEPT, TAKEN = TopicPartition("signals", 0), TopicPartition("signals", 1)


class RecordingConsumer:
    def __init__(self, assigned: set[TopicPartition]):
        self.assigned = set(assigned)
        self.paused: set[TopicPartition] = set()
        self.seeks: list[tuple[TopicPartition, int]] = []
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    def pause(self, partition: TopicPartition) -> None:
        self.paused.add(partition)

    def resume(self, partition: TopicPartition) -> None:
        self.paused.discard(partition)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks.append((partition, offset))

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(dict(offsets))


def records(partition: TopicPartition, *offsets: int) -> list:
    return [SimpleNamespace(topic=partition.topic, partition=partition.partition, offset=o, key=b"k", value=b"v", headers=()) for o in offsets]


async def test_a_batch_cancelled_at_a_rebalance_commits_nothing_and_the_kept_partition_replays_from_its_first_record(monkeypatch):
    monkeypatch.setattr(kafka, "REVOKE_GRACE_SECONDS", 0.05)
    consumer = RecordingConsumer({KEPT, TAKEN})
    held = asyncio.Event()

    async def held_for_a_missing_dependency(batch):
        held.set()
        await asyncio.Event().wait()

    work = PartitionWork(consumer, held_for_a_missing_dependency)
    work.start({KEPT: records(KEPT, 5, 6, 7), TAKEN: records(TAKEN, 10)})
    await held.wait()
    assert consumer.paused == {KEPT, TAKEN}

    consumer.assigned = {KEPT}  # the rebalance takes one partition away
    await work.on_partitions_revoked({TAKEN})
    work.reap()

    assert consumer.commits == [], "a cancelled batch commits nothing"
    assert consumer.seeks == [(KEPT, 5)], "the kept partition starts again from the batch's first record"
    assert KEPT not in consumer.paused, "and is fetched again"


async def test_a_batch_that_finishes_commits_each_partition_and_moves_nothing_back():
    consumer = RecordingConsumer({KEPT, TAKEN})
    handled = []

    async def handle(batch):
        handled.extend(record.offset for record in batch)

    work = PartitionWork(consumer, handle)
    work.start({KEPT: records(KEPT, 5, 6, 7), TAKEN: records(TAKEN, 10)})
    await work.finish(grace=1)
    assert handled == [5, 6, 7, 10]
    assert consumer.commits == [{KEPT: 8, TAKEN: 11}], "one commit, past each partition's last record"
    assert consumer.seeks == []


class OneFetchConsumer(RecordingConsumer):
    """Returns one fetch of KEPT's records, then fetches that find nothing and wait their
    whole timeout, as aiokafka's do while every assigned partition is paused."""

    def __init__(self, **_settings):
        super().__init__({KEPT})
        self.fetches = 0
        self.resumed_while_fetching = asyncio.Event()
        self._fetching = False

    def subscribe(self, topics, listener):
        self.listener = listener

    async def start(self):
        return None

    async def stop(self):
        return None

    def resume(self, partition):
        super().resume(partition)
        if self._fetching:
            self.resumed_while_fetching.set()

    async def getmany(self, timeout_ms: int, max_records: int):
        self.fetches += 1
        if self.fetches == 1:
            return {KEPT: records(KEPT, 5, 6)}
        self._fetching = True
        try:
            await asyncio.sleep(timeout_ms / 1000)
            return {}
        finally:
            self._fetching = False


async def test_a_batch_that_ends_hands_its_partition_back_while_the_next_fetch_still_waits(monkeypatch):
    consumers: list[OneFetchConsumer] = []
    monkeypatch.setattr(kafka, "AIOKafkaConsumer", lambda **settings: consumers.append(OneFetchConsumer(**settings)) or consumers[-1])
    handled = asyncio.Event()

    async def handle(batch):
        await asyncio.sleep(0.05)  # the batch takes a while: the next fetch is waiting by then
        handled.set()

    stop = asyncio.Event()
    consuming = asyncio.create_task(KafkaBus("unused:9092", client_id="test").consume(["signals"], "g", handle, stop))
    try:
        await asyncio.wait_for(handled.wait(), 5)
        [consumer] = consumers
        await asyncio.wait_for(consumer.resumed_while_fetching.wait(), 5)
    finally:
        stop.set()
        await asyncio.wait_for(consuming, 5)
    assert consumer.commits == [{KEPT: 7}]
    assert KEPT not in consumer.paused
