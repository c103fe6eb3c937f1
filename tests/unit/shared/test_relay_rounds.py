"""The outbox relay's rounds: a trickle of commits leaves a few at a time, a quiet relay
publishes at once, a backlog does not wait (docs/adr/0061)."""

import asyncio
import json
import time

import pytest

from shared.bus.memory import InMemoryBus
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import add_to_outbox
from shared.persistence.relay import OutboxRelay
from tests.support.events import arrears_event
from tests.support.wait import wait_for

SPACING = 1.0  # s: long beside a round on SQLite, so what joins a round does not depend on timing


class CountingBus(InMemoryBus):
    """Remembers how many records each round handed over."""

    def __init__(self):
        super().__init__()
        self.rounds: list[int] = []

    async def publish(self, records):
        self.rounds.append(len(records))
        return await super().publish(records)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/relay.db")
    await create_tables(engine)
    yield session_factory(engine)
    await engine.dispose()


async def stage(sessions, household: str) -> None:
    """A transaction that stages one event for the signals topic."""
    async with sessions() as session, session.begin():
        add_to_outbox(session, "signals", arrears_event(household, 2))


async def stopped(relay: OutboxRelay, stop: asyncio.Event, running: asyncio.Task) -> None:
    stop.set()
    relay.wake()  # out of its idle wait at once
    await running


async def test_commits_soon_after_a_round_leave_together_and_a_quiet_relay_publishes_at_once(sessions):
    bus, stop = CountingBus(), asyncio.Event()
    relay = OutboxRelay(sessions, bus, idle_interval=60, round_spacing=SPACING)

    async def commit(household: str) -> None:
        await stage(sessions, household)
        relay.wake()

    running = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(SPACING + 0.1)  # quiet: the start-up round is longer ago than the spacing

    woken = time.monotonic()
    await commit("hh-00000001")
    await wait_for(lambda: _now(relay.published == 1), what="the first event published")
    assert time.monotonic() - woken < SPACING, "a quiet relay publishes at once"

    await commit("hh-00000002")  # soon after that round: waits out the rest of its spacing
    await asyncio.sleep(0.1)
    assert relay.published == 1
    await commit("hh-00000003")
    await wait_for(lambda: _now(relay.published == 3), what="both later events published", timeout=SPACING * 5)
    assert bus.rounds == [1, 2], "the two commits soon after a round left in one round"
    households = [json.loads(record.value)["subject"] for record in bus.records("signals")]
    assert len(set(households)) == 3
    await stopped(relay, stop, running)


async def test_a_commit_during_a_round_is_published_by_the_next_without_waiting_for_the_poll(sessions):
    stop = asyncio.Event()

    async def commit(household: str) -> None:
        await stage(sessions, household)
        relay.wake()

    class CommitDuringTheFirstRound(CountingBus):
        async def publish(self, records):
            if not self.rounds:
                await commit("hh-00000002")  # read by this round's query already: left for the next
            return await super().publish(records)

    bus = CommitDuringTheFirstRound()
    relay = OutboxRelay(sessions, bus, idle_interval=60, round_spacing=0)  # the poll would come after a minute
    await commit("hh-00000001")
    running = asyncio.create_task(relay.run(stop))
    await wait_for(lambda: _now(relay.published == 2), what="the event committed during the first round", timeout=10)
    assert bus.rounds == [1, 1]
    await stopped(relay, stop, running)


async def test_a_backlog_goes_round_after_round_without_waiting(sessions):
    for n in range(7):
        await stage(sessions, f"hh-{n:08d}")
    bus, stop = CountingBus(), asyncio.Event()
    relay = OutboxRelay(sessions, bus, batch_size=3, idle_interval=60, round_spacing=5)
    started = time.monotonic()
    running = asyncio.create_task(relay.run(stop))
    await wait_for(lambda: _now(relay.published == 7), what="the backlog published")
    assert bus.rounds == [3, 3, 1] and time.monotonic() - started < 5
    await stopped(relay, stop, running)


async def _now(value):
    await asyncio.sleep(0.01)
    return value
