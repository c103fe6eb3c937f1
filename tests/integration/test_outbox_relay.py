"""Outbox and processed-event inbox on real PostgreSQL (and the SQLite default), relayed to real Kafka."""

import json

import pytest
from sqlmodel import select

from shared.bus.kafka import KafkaBus
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.inbox import ProcessedEvent, handle_once
from shared.persistence.outbox import OutboxMessage, add_to_outbox
from shared.persistence.relay import OutboxRelay
from tests.support.events import arrears_event
from tests.support.kafka_tools import read_all_async

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture(params=["postgres", "sqlite"])
def database_url(request, new_database, tmp_path):
    return new_database("outbox") if request.param == "postgres" else f"sqlite+aiosqlite:///{tmp_path}/outbox.db"


async def test_committed_events_are_relayed_in_order_and_rolled_back_ones_never(database_url, kafka_bootstrap, topic_prefix):
    engine = create_engine(database_url)
    await create_tables(engine)
    sessions = session_factory(engine)
    topic = topic_prefix + "signals"
    bus = KafkaBus(kafka_bootstrap, client_id="test")
    await bus.start()
    try:
        await bus.ensure_topics([topic], 3)
        for months in range(1, 6):
            async with sessions() as session, session.begin():
                add_to_outbox(session, topic, arrears_event("hh-00000001", months))
        with pytest.raises(RuntimeError):
            async with sessions() as session, session.begin():
                add_to_outbox(session, topic, arrears_event("hh-00000001", 99))
                raise RuntimeError("the state change failed")
        relay = OutboxRelay(sessions, bus)
        assert await relay.relay_once() == 5
        assert await relay.relay_once() == 0
        assert await relay.backlog() == 0
    finally:
        await bus.stop()
        await engine.dispose()
    months = [json.loads(r.value)["data"]["months"] for r in await read_all_async(kafka_bootstrap, topic)]
    assert months == [1, 2, 3, 4, 5]


async def test_a_failed_publish_keeps_the_rows_for_the_next_round(database_url):
    from shared.bus.memory import InMemoryBus

    engine = create_engine(database_url)
    await create_tables(engine)
    sessions = session_factory(engine)
    bus = InMemoryBus()
    async with sessions() as session, session.begin():
        add_to_outbox(session, "signals", arrears_event("hh-00000002", 1))
        add_to_outbox(session, "signals", arrears_event("hh-00000002", 2))
    bus.fail_next_publish = ConnectionError("broker away")
    relay = OutboxRelay(sessions, bus)
    assert await relay.relay_once() == 0, "the second row of the same key waits behind the failed first"
    assert await relay.relay_once() == 2
    assert [json.loads(r.value)["data"]["months"] for r in bus.records("signals")] == [2, 1, 2]
    async with sessions() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert all(row.sent_at is not None for row in rows) and rows[0].attempts == 1
    await engine.dispose()


async def test_an_event_handled_twice_has_one_effect(database_url):
    engine = create_engine(database_url)
    await create_tables(engine)
    sessions = session_factory(engine)
    received = arrears_event("hh-00000003", 2)
    effects = []

    async def effect(session, evt):
        effects.append(evt.id)

    assert await handle_once(sessions, "triage", received, effect) is True
    assert await handle_once(sessions, "triage", received, effect) is False
    assert await handle_once(sessions, "monitor", received, effect) is True, "each consumer tracks its own"
    assert len(effects) == 2

    async def failing(session, evt):
        raise RuntimeError("effect failed")

    other = arrears_event("hh-00000003", 3)
    with pytest.raises(RuntimeError):
        await handle_once(sessions, "triage", other, failing)
    async with sessions() as session:
        marked = (await session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == other.id))).all()
    assert marked == [], "a failed effect leaves the event unprocessed, to be retried"
    await engine.dispose()
