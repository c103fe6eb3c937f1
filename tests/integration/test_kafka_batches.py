"""What one fetch returns from the real broker is handled as one batch over its partitions
(docs/adr/0047): fewer transactions and commits at a steady trickle, each household's
events still in order, and one commit covering every partition in it. A consumer nobody
waits on lingers, so a trickle gathers into a few batches (docs/adr/0049)."""

import asyncio
from collections import defaultdict

import pytest

from shared.bus.kafka import KafkaBus
from shared.bus.port import OutgoingRecord

pytestmark = pytest.mark.kafka

KEYS = [f"hh-{n:04d}" for n in range(24)]  # spread over the six partitions
PER_KEY = 5


async def consume_batches(bus: KafkaBus, topic: str, group: str, expected: int, timeout: float = 30, linger_ms: int = 0) -> list[list]:
    """The batches handed to the handler until `expected` records were seen (or `timeout`)."""
    batches: list[list] = []
    stop = asyncio.Event()

    async def handle(records):
        batches.append(list(records))
        if sum(map(len, batches)) >= expected:
            stop.set()

    consuming = asyncio.create_task(bus.consume([topic], group, handle, stop, linger_ms))
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


async def trickle(bus: KafkaBus, topic: str, count: int, every: float) -> None:
    for n in range(count):
        assert await bus.publish([OutgoingRecord(topic, KEYS[n % len(KEYS)], f"t:{n}".encode())]) == [None]
        await asyncio.sleep(every)


@pytest.mark.parametrize("linger_ms, most_batches", [(0, None), (500, 4)])
async def test_a_lingering_consumer_gathers_a_trickle_into_a_few_batches(kafka_bootstrap, topic_prefix, linger_ms, most_batches):
    topic, group = topic_prefix + f"trickle-{linger_ms}", topic_prefix + f"trickle-{linger_ms}"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic], partitions=6)
        count = 40  # over about 0.8 s
        consuming = asyncio.create_task(consume_batches(bus, topic, group, count, linger_ms=linger_ms))
        await asyncio.wait_for(bus.assigned.wait(), 30)  # joined and assigned before the first record
        await trickle(bus, topic, count, every=0.02)
        batches = await consuming
    finally:
        await bus.stop()
    assert sorted(r.value for batch in batches for r in batch) == sorted(f"t:{n}".encode() for n in range(count))
    if most_batches is None:
        assert len(batches) > 10, f"without lingering a trickle is handled as it comes: {len(batches)} batches"
    else:
        assert len(batches) <= most_batches, f"a lingering consumer gathered a trickle of {count} into {len(batches)} batches"
