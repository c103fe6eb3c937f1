"""A producer whose sequence numbers fell out of step with the broker's is replaced, and the
outbox relay publishes everything it held. After a broker is lost mid-write, aiokafka's
idempotent producer can be left one step off for a partition (aio-libs/aiokafka#1017); the
broker then refuses every later record of that partition from it, and without a new producer
the relay would retry the same refusal until the service restarts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import TopicPartition

from shared.bus.kafka import KafkaBus
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import OutboxMessage
from shared.persistence.relay import OutboxRelay
from tests.support.kafka_tools import read_all_async
from tests.support.numbered_events import number_of, numbered_event

pytestmark = pytest.mark.kafka


async def test_the_broker_refusing_the_producers_sequence_loses_nothing(kafka_bootstrap, topic_prefix, tmp_path):
    topic = topic_prefix + "signals"
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/outbox.db")
    await create_tables(engine)
    sessions = session_factory(engine)
    bus = KafkaBus(kafka_bootstrap, client_id="test-relay")
    await bus.start()
    relay = OutboxRelay(sessions, bus)
    try:
        await bus.ensure_topics([topic], 1)
        await stage(sessions, topic, range(0, 5))
        assert await relay.relay_once() == 5

        put_out_of_step(bus, TopicPartition(topic, 0))
        await stage(sessions, topic, range(5, 10))
        assert await relay.relay_once() == 0, "the broker refuses a sequence with a gap"
        assert await relay.backlog() == 5
        assert await relay.relay_once() == 5, "the next round goes out through a new producer"
        assert await relay.backlog() == 0
    finally:
        await bus.stop()
        await engine.dispose()
    assert [number_of(record.value) for record in await read_all_async(kafka_bootstrap, topic)] == list(range(10))


async def stage(sessions, topic: str, numbers: range) -> None:
    async with sessions() as session, session.begin():
        for n in numbers:
            session.add(OutboxMessage(event_id=uuid.uuid4(), topic=topic, key="hh-1", value=numbered_event(n), created_at=datetime.now(UTC)))


def put_out_of_step(bus: KafkaBus, partition: TopicPartition) -> None:
    """The producer's next sequence for the partition runs three ahead of what the broker has
    (the state a lost in-flight batch leaves behind). aiokafka offers no public handle for it."""
    bus._producer._txn_manager.increment_sequence_number(partition, 3)  # noqa: SLF001 - fault injection
