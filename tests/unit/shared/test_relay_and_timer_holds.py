"""The outbox relay and the timers wait out a dependency that is away, and say so."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.outages import Outages, RetryPolicy
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import add_to_outbox
from shared.persistence.relay import OutboxRelay
from shared.timers import timer_worker
from tests.support.wait import wait_for
from tests.support.events import arrears_event

FAST = RetryPolicy(first_delay=0.01, max_delay=0.02)


async def test_the_relay_holds_while_the_broker_does_not_take_records_and_loses_none(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/relay.db")
    await create_tables(engine)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for _ in range(3):
            add_to_outbox(session, "signals", arrears_event())

    class AwayBroker(InMemoryBus):
        away = True

        async def publish(self, records):
            if self.away:
                return [ConnectionError("broker away")] * len(records)
            return await super().publish(records)

    bus, outages, stop = AwayBroker(), Outages(), asyncio.Event()
    relay = OutboxRelay(sessions, bus, outages=outages, retry=FAST, idle_interval=0.01)
    running = asyncio.create_task(relay.run(stop))
    await wait_for(lambda: _now(outages.transient_failures["broker"] >= 3), what="the relay to report the broker away")
    assert outages.away().keys() == {"broker"} and await relay.backlog() == 3
    bus.away = False
    await wait_for(lambda: _now(relay.published == 3), what="the backlog published")
    assert outages.away() == {} and len(bus.records("signals")) == 3
    stop.set()
    await running
    await engine.dispose()


async def test_a_timer_backs_off_while_its_database_is_away_and_its_check_runs_again_after():
    outages, stop, checks = Outages(), asyncio.Event(), []
    away = True

    async def check(now: datetime) -> int:
        checks.append(now)
        if away:
            raise OperationalError("SELECT", {}, ConnectionRefusedError(111, "refused"))
        return 0

    worker = timer_worker(FakeClock(datetime(2026, 12, 1, tzinfo=UTC)), check, 0.01, outages=outages, name="deadlines", retry=FAST)
    running = asyncio.create_task(worker(stop))
    await wait_for(lambda: _now(len(checks) >= 3), what="retries")
    assert outages.away().keys() == {"database"} and "timer deadlines" in outages.holds
    away = False
    await wait_for(lambda: _now(not outages.holds), what="the hold cleared")
    stop.set()
    await running


async def _now(value):
    await asyncio.sleep(0.01)
    return value
