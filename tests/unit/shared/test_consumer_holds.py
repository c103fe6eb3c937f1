"""A transient failure holds the partition until the dependency is back; it is never
dead-lettered. Only poison, and an unclassified failure while the database answers, is.
On the in-memory bus, which hands records to the consumer as the Kafka adapter does."""

import asyncio

import pytest
from sqlalchemy.exc import OperationalError

from shared.bus.consumer import EventConsumer, RetryPolicy, Stopped
from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import encode
from shared.outages import Outages
from tests.support.wait import wait_for
from tests.support.events import arrears_event

TOPIC = "signals"
FAST = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.01)


class Dependency:
    """A database that is away until told otherwise."""

    def __init__(self):
        self.away = True
        self.calls = 0

    def check(self):
        self.calls += 1
        if self.away:  # as SQLAlchemy raises it when PostgreSQL refuses the connection
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"))


def bus_with(events) -> InMemoryBus:
    bus = InMemoryBus(partitions=1)
    for event in events:
        bus.append_raw(TOPIC, encode(event))
    return bus


async def test_a_transient_failure_holds_the_partition_uncommitted_until_the_dependency_is_back():
    events = [arrears_event() for _ in range(3)]
    bus, database, handled, outages = bus_with(events), Dependency(), [], Outages()

    async def handle(event):
        database.check()
        handled.append(event.id)

    consumer = EventConsumer(bus, "g", handle, FAST, outages=outages)
    delivery = asyncio.create_task(bus.deliver_pending([TOPIC], "g", consumer.process_batch))
    await wait_for(lambda: _true(database.calls > 50), what="many retries")
    assert handled == [] and bus.committed("g", TOPIC) == 0, "nothing handled, nothing committed"
    assert bus.records(TOPIC + ".dlq") == [], "a database away is never a dead letter"
    assert set(outages.away()) == {"database"} and outages.held_partitions() == 1
    assert outages.transient_failures["database"] == database.calls

    database.away = False
    await asyncio.wait_for(delivery, 5)
    assert handled == [event.id for event in events], "every event, in order, once"
    assert bus.committed("g", TOPIC) == 3 and outages.away() == {} and consumer.dead_lettered == 0


async def test_a_held_batch_is_retried_whole_not_split_into_dead_letters():
    events = [arrears_event() for _ in range(4)]
    bus, database, batches = bus_with(events), Dependency(), []

    async def handle_batch(batch):
        database.check()
        batches.append([event.id for event in batch])

    async def handle_one(_event):
        raise AssertionError("a transient failure must not split the batch")

    consumer = EventConsumer(bus, "g", handle_one, FAST, handle_batch=handle_batch)
    delivery = asyncio.create_task(bus.deliver_pending([TOPIC], "g", consumer.process_batch))
    await wait_for(lambda: _true(database.calls > 5), what="retries")
    database.away = False
    await asyncio.wait_for(delivery, 5)
    assert batches == [[event.id for event in events]] and consumer.batches_split == 0


async def test_an_unclassified_failure_is_held_while_the_database_does_not_answer_then_dead_lettered_if_it_persists():
    bus = bus_with([arrears_event()])
    database_answers = False
    attempts = []

    async def handle(_event):
        attempts.append(1)
        raise OverflowError("date value out of range")

    async def probe():
        return database_answers

    outages = Outages()
    consumer = EventConsumer(bus, "g", handle, FAST, outages=outages, database_answers=probe)
    delivery = asyncio.create_task(bus.deliver_pending([TOPIC], "g", consumer.process_batch))
    await wait_for(lambda: _true(len(attempts) > 10), what="retries while the database is away")
    assert bus.records(TOPIC + ".dlq") == [] and set(outages.away()) == {"database"}

    database_answers = True
    await asyncio.wait_for(delivery, 5)
    [dead] = bus.records(TOPIC + ".dlq")
    assert dict(dead.headers)["dlq-reason"].startswith(b"failed after ")
    assert b"OverflowError" in dict(dead.headers)["dlq-reason"]
    assert bus.committed("g", TOPIC) == 1 and outages.away() == {} and sum(outages.unclassified.values()) > 10


async def test_stopping_while_held_commits_nothing_so_the_records_replay():
    bus, database = bus_with([arrears_event()]), Dependency()

    async def handle(_event):
        database.check()

    consumer = EventConsumer(bus, "g", handle, RetryPolicy(first_delay=0.05, max_delay=60))
    consumer.stopping = asyncio.Event()
    delivery = asyncio.create_task(bus.deliver_pending([TOPIC], "g", consumer.process_batch))
    await wait_for(lambda: _true(database.calls >= 3), what="held")
    consumer.stopping.set()
    with pytest.raises(Stopped):
        await asyncio.wait_for(delivery, 2)  # at once, not after the 60 s backoff
    assert bus.committed("g", TOPIC) == 0 and bus.records(TOPIC + ".dlq") == []
    assert consumer.outages.away() == {}, "a partition no longer held here no longer makes the service unready"


async def test_a_dead_letter_the_broker_does_not_take_is_held_not_committed():
    bus = bus_with([arrears_event()])
    bus.append_raw(TOPIC, b"garbage")

    async def handle(_event):
        return None

    outages = Outages()
    consumer = EventConsumer(bus, "g", handle, FAST, outages=outages)
    bus.fail_next_publish = ConnectionError("broker away")
    await bus.deliver_pending([TOPIC], "g", consumer.process_batch)
    assert len(bus.records(TOPIC + ".dlq")) == 1 and outages.transient_failures["broker"] == 1
    assert bus.committed("g", TOPIC) == 2 and outages.away() == {}


async def _true(value: bool) -> bool:
    await asyncio.sleep(0.01)
    return value


def test_the_backoff_is_capped_however_long_the_outage():
    policy = RetryPolicy(first_delay=0.5, max_delay=5.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 5.0]
    assert policy.delay(100_000) == 5.0
