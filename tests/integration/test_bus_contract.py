"""One contract for the bus (shared.bus.port.Bus), run on the in-memory bus the unit tests use
and on the aiokafka adapter against the real broker, so the fake cannot drift from the real
thing: order per key, commit after handling, redelivery after a crash, dead letters, and every
event the chain publishes arriving as it was sent."""

import asyncio

import pytest

from shared.bus.consumer import EventConsumer, RetryPolicy
from shared.bus.kafka import KafkaBus
from shared.bus.memory import InMemoryBus
from shared.bus.port import OutgoingRecord
from shared.contracts.envelope import decode, encode
from tests.support.contract_examples import every_event
from tests.support.events import arrears_event


@pytest.fixture(params=["memory", pytest.param("kafka", marks=pytest.mark.kafka)])
def kafka_or_none(request) -> str | None:
    return request.getfixturevalue("kafka_bootstrap") if request.param == "kafka" else None


@pytest.fixture
async def any_bus(kafka_or_none):
    bus = InMemoryBus() if kafka_or_none is None else KafkaBus(kafka_or_none, client_id="test")
    await bus.start()
    try:
        yield bus
    finally:
        await bus.stop()


async def consume_until(bus, topics, group, handle, count, timeout=30):
    seen = []
    stop = asyncio.Event()

    async def record_then_handle(records):
        for record in records:
            await handle(record)
            seen.append(record)
        if len(seen) >= count:
            stop.set()

    task = asyncio.create_task(bus.consume(topics, group, record_then_handle, stop))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    await asyncio.wait_for(task, timeout)  # re-raises what the handler raised
    return seen


async def ignore(_record):
    return None


async def test_records_of_one_key_arrive_in_order_and_committed_offsets_are_not_redelivered(any_bus, topic_prefix):
    topic = topic_prefix + "signals"
    await any_bus.ensure_topics([topic], partitions=3)
    results = await any_bus.publish([OutgoingRecord(topic, "hh-aa", f"{i}".encode()) for i in range(20)])
    assert results == [None] * 20

    first = await consume_until(any_bus, [topic], topic_prefix + "g", ignore, 20)
    assert [r.value for r in first] == [f"{i}".encode() for i in range(20)]
    assert len({r.partition for r in first}) == 1

    await any_bus.publish([OutgoingRecord(topic, "hh-aa", b"20")])
    second = await consume_until(any_bus, [topic], topic_prefix + "g", ignore, 1)
    assert [r.value for r in second] == [b"20"], "the same group resumes after its committed offsets"


async def test_a_record_whose_handling_crashed_is_delivered_again(any_bus, topic_prefix):
    topic = topic_prefix + "signals"
    await any_bus.ensure_topics([topic], partitions=1)
    await any_bus.publish([OutgoingRecord(topic, "hh-bb", b"only")])

    async def crash(_record):
        raise RuntimeError("process died mid-record")

    with pytest.raises(RuntimeError):
        await consume_until(any_bus, [topic], topic_prefix + "g", crash, 1)

    again = await consume_until(any_bus, [topic], topic_prefix + "g", ignore, 1)
    assert [r.value for r in again] == [b"only"]


async def test_undecodable_records_reach_the_dead_letter_topic(any_bus, topic_prefix):
    topic = topic_prefix + "signals"
    await any_bus.ensure_topics([topic, topic + ".dlq"], partitions=1)
    valid = encode(arrears_event())
    await any_bus.publish([OutgoingRecord(topic, "hh-cc", b"{oops"), OutgoingRecord(topic, "hh-cc", valid)])
    handled = []

    async def handle(event):
        handled.append(event.id)

    consumer = EventConsumer(any_bus, topic_prefix + "g", handle, RetryPolicy(attempts=1))
    await consume_until(any_bus, [topic], topic_prefix + "g", lambda record: consumer.process_batch([record]), 2)
    assert len(handled) == 1
    [dead] = await consume_until(any_bus, [topic + ".dlq"], topic_prefix + "dlq-reader", ignore, 1)
    assert dead.value == b"{oops" and dict(dead.headers)["dlq-reason"].startswith(b"rejected: not JSON")


async def test_every_event_the_chain_publishes_arrives_as_it_was_sent(any_bus, topic_prefix):
    sent = {event.id: event for event in every_event()}
    topics = sorted({topic_prefix + event.data.topic for event in sent.values()})
    await any_bus.ensure_topics(topics, partitions=3)
    records = [OutgoingRecord(topic_prefix + e.data.topic, e.subject, encode(e)) for e in sent.values()]
    assert await any_bus.publish(records) == [None] * len(records)

    received = [decode(r.value) for r in await consume_until(any_bus, topics, topic_prefix + "g", ignore, len(sent))]
    assert sorted(e.type for e in received) == sorted(e.type for e in sent.values())
    for event in received:
        assert (event.envelope, event.data) == (sent[event.id].envelope, sent[event.id].data), event.type
