"""Two outbox relays on one PostgreSQL database, as two instances of a service run them:
every staged event reaches Kafka once (one relay publishes per round: the advisory lock in
shared/persistence/relay.py), in the order of its key."""

import asyncio
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from shared.bus.kafka import KafkaBus
from shared.migrations import runner
from shared.persistence.database import create_engine, session_factory
from shared.persistence.outbox import OutboxMessage
from shared.persistence.relay import OutboxRelay
from tests.support.kafka_tools import read_all_async
from tests.support.numbered_events import number_of, numbered_event

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
EVENTS, KEYS = 600, 7


async def test_two_relays_on_one_database_publish_every_event_once(new_database, kafka_bootstrap, topic_prefix):
    url = new_database("relays")
    engines = [create_engine(url) for _ in range(2)]
    await runner.upgrade(engines[0], "arrears")
    topic = topic_prefix + "signals"
    buses = [KafkaBus(kafka_bootstrap, client_id=f"relay-{n}") for n in range(2)]
    await buses[0].ensure_topics([topic], 3)
    relays = [OutboxRelay(session_factory(engine), bus, batch_size=50) for engine, bus in zip(engines, buses)]
    stop = asyncio.Event()
    for bus in buses:
        await bus.start()
    workers = [asyncio.create_task(relay.run(stop)) for relay in relays]
    try:
        sessions = session_factory(engines[0])
        for start in range(0, EVENTS, 20):  # staged while both relays run
            async with sessions() as session, session.begin():
                for n in range(start, start + 20):
                    session.add(OutboxMessage(event_id=uuid.uuid4(), topic=topic, key=f"hh-{n % KEYS}",
                                              value=numbered_event(n), created_at=datetime.now(UTC)))  # fmt: skip
            for relay in relays:
                relay.wake()
        async with asyncio.timeout(60):
            while await relays[0].backlog():
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)
        for bus in buses:
            await bus.stop()
        for engine in engines:
            await engine.dispose()

    records = await read_all_async(kafka_bootstrap, topic)
    published = Counter(number_of(record.value) for record in records)
    assert set(published) == set(range(EVENTS)) and set(published.values()) == {1}, "each event once"
    assert sum(relay.published for relay in relays) == EVENTS
    by_key = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_key[record.key].append(number_of(record.value))
    assert all(ns == sorted(ns) for ns in by_key.values()), "each key's events in the order they were staged"
