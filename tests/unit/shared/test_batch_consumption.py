"""A fetched batch is handled in one transaction; when it fails, event by event.

Runs a real Runtime consumer (SQLite, in-memory bus): the effects write rows, so
what survives a failed batch is visible in the database."""

from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from shared.bus.consumer import RetryPolicy, Unprocessable
from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.envelope import encode
from shared.persistence.database import create_tables
from shared.settings import ServiceSettings
from tests.support.apps import unit_runtime
from tests.support.events import arrears_event

EFFECTS = MetaData()
effect_rows = Table("effect_rows", EFFECTS, Column("id", Integer, primary_key=True), Column("event_id", String))
TOPIC = "signals"


async def runtime_with(tmp_path, handle):
    bus = InMemoryBus(partitions=1)
    runtime = unit_runtime(ServiceSettings, tmp_path, bus, FakeClock())
    await create_tables(runtime.engine, EFFECTS)
    consumer = runtime.consumer("test", {arrears_event().type: handle}, RetryPolicy(attempts=2, first_delay=0))
    return bus, runtime, consumer


async def effects(runtime) -> list[str]:
    async with runtime.engine.connect() as connection:
        return [row.event_id for row in await connection.execute(select(effect_rows.c.event_id).order_by(effect_rows.c.id))]


async def test_a_batch_runs_every_effect_once_in_order_and_in_one_transaction(tmp_path):
    calls: list[UUID] = []
    transactions: set[int] = set()

    async def write(session, event):
        calls.append(event.id)
        transactions.add(id(session))
        await session.exec(insert(effect_rows).values(event_id=str(event.id)))

    bus, runtime, consumer = await runtime_with(tmp_path, write)
    events = [arrears_event() for _ in range(5)]
    for event in (*events, events[1]):  # the second one delivered twice
        bus.append_raw(TOPIC, encode(event))
    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)
    assert await effects(runtime) == [str(event.id) for event in events]
    assert len(transactions) == 1, "the whole batch shared one session"
    assert consumer.batches_split == 0

    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)  # nothing new
    for event in events:
        bus.append_raw(TOPIC, encode(event))  # a replay after a lost commit
    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)
    assert len(await effects(runtime)) == 5, "a replayed batch has no second effect"
    await runtime.engine.dispose()


async def test_one_failing_event_costs_its_batch_nothing_but_its_own_dead_letter(tmp_path):
    events = [arrears_event() for _ in range(4)]
    poison = events[2].id

    async def write(session, event):
        await session.exec(insert(effect_rows).values(event_id=str(event.id)))
        if event.id == poison:
            raise RuntimeError("this one always fails")

    bus, runtime, consumer = await runtime_with(tmp_path, write)
    for event in events:
        bus.append_raw(TOPIC, encode(event))
    bus.append_raw(TOPIC, b"not an event")
    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)

    assert await effects(runtime) == [str(e.id) for e in events if e.id != poison], "the others kept, once, in order"
    assert consumer.batches_split == 1
    reasons = sorted(dict(record.headers)["dlq-reason"].split(b":")[0] for record in bus.records(TOPIC + ".dlq"))
    assert reasons == [b"failed after 2 attempts", b"rejected"]
    await runtime.engine.dispose()


async def test_an_unprocessable_event_in_a_batch_is_dead_lettered_and_the_rest_handled(tmp_path):
    events = [arrears_event() for _ in range(3)]

    async def write(session, event):
        if event.id == events[0].id:
            raise Unprocessable("seal cannot be opened")
        await session.exec(insert(effect_rows).values(event_id=str(event.id)))

    bus, runtime, consumer = await runtime_with(tmp_path, write)
    for event in events:
        bus.append_raw(TOPIC, encode(event))
    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)
    assert await effects(runtime) == [str(events[1].id), str(events[2].id)]
    [dead] = bus.records(TOPIC + ".dlq")
    assert dict(dead.headers)["dlq-reason"] == b"unprocessable: seal cannot be opened"
    await runtime.engine.dispose()
