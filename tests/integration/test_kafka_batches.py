"""What one fetch returns from the real broker is handled as one batch over its partitions
(docs/adr/0047): fewer transactions and commits at a steady trickle, each household's
events still in order, and one commit covering every partition in it."""

import asyncio
from collections import defaultdict

import pytest

from shared.bus.kafka import KafkaBus
from shared.bus.port import OutgoingRecord

pytestmark = pytest.mark.kafka

KEYS = [f"hh-{n:04d}" for n in range(24)]  # spread over the six partitions
PER_KEY = 5


async def consume_batches(bus: KafkaBus, topic: str, group: str, expected: int, timeout: float = 30) -> list[list]:
    """The batches handed to the handler until `expected` records were seen (or `timeout`)."""
    batches: list[list] = []
    stop = asyncio.Event()

    async def handle(records):
        batches.append(list(records))
        if sum(map(len, batches)) >= expected:
            stop.set()

    consuming = asyncio.create_task(bus.consume([topic], group, handle, stop))
    try:
        await asyncio.wait_for(stop.wait(), timeout)
    except TimeoutError:
        stop.set()
    await asyncio.wait_for(consuming, timeout)
    return batches


async def test_a_fetch_over_several_partitions_is_one_batch_in_order_per_household_committed_whole(kafka_bootstrap, topic_prefix):
    topic, group = topic_prefix + "signals", topic_prefix + "batches"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic], partitions=6)
        sent = [OutgoingRecord(topic, key, f"{key}:{n}".encode()) for n in range(PER_KEY) for key in KEYS]
        assert await bus.publish(sent) == [None] * len(sent)

        batches = await consume_batches(bus, topic, group, len(sent))
        handled = [record for batch in batches for record in batch]
        assert sorted(r.value for r in handled) == sorted(r.value for r in sent), "each record once"
        per_key = defaultdict(list)
        for record in handled:
            per_key[record.key.decode()].append(int(record.value.decode().rsplit(":", 1)[1]))
        assert all(order == list(range(PER_KEY)) for order in per_key.values()), "a household's events in order"
        partitions_in = [len({r.partition for r in batch}) for batch in batches]
        assert len({r.partition for r in handled}) == 6
        assert max(partitions_in) > 1, f"a fetch over several partitions was split per partition: {partitions_in}"

        await bus.publish([OutgoingRecord(topic, KEYS[0], b"after")])
        again = await consume_batches(bus, topic, group, 1)
        assert [r.value for batch in again for r in batch] == [b"after"], "every partition of the batches was committed"
    finally:
        await bus.stop()
