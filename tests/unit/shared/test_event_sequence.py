"""The CloudEvents `sequence` of the events a service publishes: per case, from 1, without
gaps, in the order they were staged, and given back by a rolled-back transaction."""

import json

import pytest
from sqlalchemy import delete

from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import decode
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import OutboxMessage, add_to_outbox
from shared.persistence.relay import OutboxRelay
from shared.persistence.sequence import as_sequence
from tests.support.events import arrears_event

CASE_A, CASE_B = "hh-00000000000000aa", "hh-00000000000000bb"


@pytest.fixture
async def sessions(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine)
    yield session_factory(engine)
    await engine.dispose()


async def stage(sessions, *cases: str) -> None:
    async with sessions() as session, session.begin():
        for case in cases:
            add_to_outbox(session, "signals", arrears_event(case))


async def published(sessions) -> list[tuple[str, str]]:
    bus = InMemoryBus()
    relay = OutboxRelay(sessions, bus)
    while await relay.relay_once():
        pass
    return [(record.key.decode(), decode(record.value).envelope.sequence) for record in bus.records("signals")]


def of(case: str, events: list[tuple[str, str]]) -> list[str]:
    return [sequence for key, sequence in events if key == case]


async def test_sequence_counts_per_case_independently(sessions):
    await stage(sessions, CASE_A)
    await stage(sessions, CASE_B, CASE_A, CASE_A)  # one transaction, two cases
    await stage(sessions, CASE_B)
    events = await published(sessions)
    assert of(CASE_A, events) == ["0000000001", "0000000002", "0000000003"]
    assert of(CASE_B, events) == ["0000000001", "0000000002"]


async def test_a_rolled_back_transaction_leaves_no_gap(sessions):
    await stage(sessions, CASE_A)
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            add_to_outbox(session, "signals", arrears_event(CASE_A))
            await session.flush()  # draws number 2 ...
            raise RuntimeError("... and gives it back")
    await stage(sessions, CASE_A)
    assert of(CASE_A, await published(sessions)) == ["0000000001", "0000000002"]


async def test_sequence_survives_the_outbox_being_emptied(sessions):
    """The outbox forgets sent events after a while; the counter does not restart."""
    await stage(sessions, CASE_A)
    await published(sessions)
    async with sessions() as session, session.begin():
        await session.exec(delete(OutboxMessage))
    await stage(sessions, CASE_A)
    assert of(CASE_A, await published(sessions)) == ["0000000002"]


def test_sequence_strings_order_as_their_numbers():
    numbers = [1, 2, 9, 10, 11, 99, 100, 12345]
    assert sorted(as_sequence(n) for n in numbers) == [as_sequence(n) for n in numbers]
    assert json.loads(json.dumps(as_sequence(7))) == "0000000007"
