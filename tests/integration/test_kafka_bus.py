"""The aiokafka adapter against the real broker: order per key, commit-after-handle, DLQ."""

import asyncio

import pytest

from shared.bus.consumer import EventConsumer, RetryPolicy
from shared.bus.kafka import KafkaBus
from shared.bus.port import OutgoingRecord
from shared.contracts.envelope import encode
from tests.support.kafka_tools import read_all_async
from tests.support.events import arrears_event

pytestmark = pytest.mark.kafka


async def consume_until(bus, topic, group, handle, count, timeout=30):
    seen = []
    stop = asyncio.Event()

    async def record_then_handle(records):
        for record in records:
            await handle(record)
            seen.append(record)
        if len(seen) >= count:
            stop.set()

    task = asyncio.create_task(bus.consume([topic], group, record_then_handle, stop))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    await asyncio.wait_for(task, timeout)  # re-raises what the handler raised
    return seen


async def test_records_of_one_key_arrive_in_order_and_committed_offsets_are_not_redelivered(kafka_bootstrap, topic_prefix):
    topic = topic_prefix + "signals"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic], partitions=3)
        results = await bus.publish([OutgoingRecord(topic, "hh-aa", f"{i}".encode()) for i in range(20)])
        assert results == [None] * 20

        async def ignore(_record):
            return None

        first = await consume_until(bus, topic, topic_prefix + "g", ignore, 20)
        assert [r.value for r in first] == [f"{i}".encode() for i in range(20)]
        assert len({r.partition for r in first}) == 1

        await bus.publish([OutgoingRecord(topic, "hh-aa", b"20")])
        second = await consume_until(bus, topic, topic_prefix + "g", ignore, 1)
        assert [r.value for r in second] == [b"20"], "the same group resumes after its committed offsets"
    finally:
        await bus.stop()


async def test_a_record_whose_handling_crashed_is_delivered_again(kafka_bootstrap, topic_prefix):
    topic = topic_prefix + "signals"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic], partitions=1)
        await bus.publish([OutgoingRecord(topic, "hh-bb", b"only")])

        async def crash(_record):
            raise RuntimeError("process died mid-record")

        with pytest.raises(RuntimeError):
            await consume_until(bus, topic, topic_prefix + "g", crash, 1)

        async def ok(_record):
            return None

        again = await consume_until(bus, topic, topic_prefix + "g", ok, 1)
        assert [r.value for r in again] == [b"only"]
    finally:
        await bus.stop()


async def test_undecodable_records_reach_the_dead_letter_topic_on_kafka(kafka_bootstrap, topic_prefix):
    topic = topic_prefix + "signals"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic, topic + ".dlq"], partitions=1)
        valid = encode(arrears_event())
        await bus.publish([OutgoingRecord(topic, "hh-cc", b"{oops"), OutgoingRecord(topic, "hh-cc", valid)])
        handled = []

        async def handle(event):
            handled.append(event.id)

        consumer = EventConsumer(bus, topic_prefix + "g", handle, RetryPolicy(attempts=1))
        await consume_until(bus, topic, topic_prefix + "g", lambda record: consumer.process_batch([record]), 2)
    finally:
        await bus.stop()
    assert len(handled) == 1
    [dead] = await read_all_async(kafka_bootstrap, topic + ".dlq")
    assert dead.value == b"{oops" and dict(dead.headers)["dlq-reason"].startswith(b"rejected: not JSON")
