"""Two instances handed the same events at once (a partition moving between them in a
rebalance: the old owner still finishing its batch, the new one fetching it again) on one
PostgreSQL database: each event has its effect once. The processed-event row is written in
the effect's transaction, and the second writer of an event id waits for the first and
is refused by the primary key."""

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from shared.contracts.envelope import Event
from shared.migrations import runner
from shared.persistence.database import create_engine, session_factory
from shared.persistence.inbox import handle_all_once, handle_once
from shared.persistence.outbox import OutboxMessage, add_to_outbox
from tests.integration.test_outbox_relay import event

pytestmark = pytest.mark.postgres
EVENTS = 40


async def effect(session, received: Event) -> None:
    """A state change with an event of its own, as a consumer's handler makes: one outbox row
    (a new event id each time, keyed by the event it answers)."""
    add_to_outbox(session, "triage", event(f"re-{received.id.hex}", 2))


async def handle_batch(sessions, events: list[Event]) -> int:
    """As the consumer does: the batch in one transaction, else each event on its own."""
    try:
        return await handle_all_once(sessions, "triage", [(e, effect) for e in events])
    except IntegrityError:
        return sum([await handle_once(sessions, "triage", e, effect) for e in events])


async def test_two_instances_handling_the_same_events_at_once_have_each_effect_once(new_database):
    url = new_database("triage")
    engines = [create_engine(url) for _ in range(2)]
    await runner.upgrade(engines[0], "triage")
    events = [event(f"hh-{uuid.uuid4().hex[:8]}", 2) for _ in range(EVENTS)]
    try:
        instances = [session_factory(engine) for engine in engines]
        ran = await asyncio.gather(*(handle_batch(sessions, events[start:] + events[:start])
                                     for sessions, start in zip(instances, (0, EVENTS // 2))))  # fmt: skip
        async with instances[0]() as session:
            staged = Counter((await session.exec(select(OutboxMessage.key))).all())
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(ran) == EVENTS, f"effects run by each instance: {ran}"
    assert staged == Counter({f"re-{e.id.hex}": 1 for e in events})
