"""Events of one case leave in the order their transactions committed, on real PostgreSQL.

Overlapping transactions on one case: the first stages its event (and so draws the
lower outbox id) but commits late; the second starts after, stages and commits at
once. Without a per-key turn (the sequence counter's row lock, taken when the
outbox numbers its events) the relay, which publishes in id order, would publish them
against commit order: with numbers drawn without that lock this test fails."""

import asyncio
import json
import random
import uuid
from datetime import UTC, date, datetime

import pytest

from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import new_event
from shared.contracts.events.signals import ArrearsReported
from shared.persistence.database import create_engine, create_tables, session_factory
from shared.persistence.outbox import add_to_outbox
from shared.persistence.relay import OutboxRelay

pytestmark = [pytest.mark.postgres]
TOPIC = "signals"
CASES = 6
TRANSACTIONS_PER_CASE = 4


def event(case_key: str, label: str):
    data = ArrearsReported(
        signal_id=uuid.uuid4(), reported_by="ymere", sealed_address=label, municipality_code="0363",
        observed_on=date(2026, 11, 27), months=2, amount_eur="10.00",
    )  # fmt: skip
    return new_event(data, source="urn:nld:kvk:90000001:systeem:incasso", subject=case_key, time=datetime.now(UTC))


async def stage_and_commit(sessions, case_key: str, label: str, hold: float, started: asyncio.Event | None, commits: list):
    """Stage one event for the case, flush (drawing its id), wait `hold`, note the commit, commit."""
    async with sessions() as session:
        async with session.begin():
            add_to_outbox(session, TOPIC, event(case_key, label))
            await session.flush()  # takes the case's key (or waits for it), draws the id and the sequence
            if started is not None:
                started.set()  # the first holds the case now: the others start (a fixed sleep was flaky under load)
            await asyncio.sleep(hold)
            # Noted as the last step before COMMIT, while this transaction still holds the case:
            # after `commit()` returns, a quicker successor could be noted first on a busy machine.
            commits.append((case_key, label))


async def overlapping_on_one_case(sessions, case_key: str, commits: list, rng: random.Random) -> None:
    """The first transaction stages first and commits last, unless the key makes the others wait."""
    first_staged = asyncio.Event()
    first = asyncio.create_task(stage_and_commit(sessions, case_key, "t0", 0.4, first_staged, commits))
    await asyncio.wait_for(first_staged.wait(), 10)
    others = [
        stage_and_commit(sessions, case_key, f"t{n}", rng.uniform(0, 0.05), None, commits)
        for n in range(1, TRANSACTIONS_PER_CASE)
    ]
    await asyncio.gather(first, *others)


async def test_events_of_one_case_are_published_in_commit_order(new_database):
    engine = create_engine(new_database("order"))
    await create_tables(engine)
    sessions = session_factory(engine)
    commits: list[tuple[str, str]] = []
    rng = random.Random(11)
    try:
        cases = [f"hh-0{n:09d}" for n in range(CASES)]
        await asyncio.gather(*(overlapping_on_one_case(sessions, case, commits, rng) for case in cases))
        bus = InMemoryBus(partitions=3)
        relay = OutboxRelay(sessions, bus, batch_size=5)  # several rounds, as under load
        while await relay.relay_once():
            pass
        assert await relay.backlog() == 0
    finally:
        await engine.dispose()

    values = [(record.key.decode(), json.loads(record.value)) for record in bus.records(TOPIC)]
    published = [(key, value["data"]["sealed_address"]) for key, value in values]
    for case in cases:
        sequences = [value["sequence"] for key, value in values if key == case]
        assert sequences == [f"{n:010d}" for n in range(1, TRANSACTIONS_PER_CASE + 1)], "sequence follows commit order"
        committed_order = [label for key, label in commits if key == case]
        published_order = [label for key, label in published if key == case]
        assert len(committed_order) == TRANSACTIONS_PER_CASE
        assert published_order == committed_order, f"{case}: published {published_order}, committed {committed_order}"
        assert committed_order[0] == "t0", "the first to stage for a case is the first to commit: the others waited"


async def test_transactions_on_different_cases_do_not_wait_for_each_other(new_database):
    engine = create_engine(new_database("order"))
    await create_tables(engine)
    sessions = session_factory(engine)
    commits: list[tuple[str, str]] = []
    try:
        staged = asyncio.Event()
        slow = asyncio.create_task(stage_and_commit(sessions, "hh-5107000001", "slow", 2.0, staged, commits))
        await asyncio.wait_for(staged.wait(), 10)
        started = asyncio.get_running_loop().time()
        await stage_and_commit(sessions, "hh-07e7000002", "quick", 0, None, commits)
        assert asyncio.get_running_loop().time() - started < 1.0, "another case's lock made it wait"
        await slow
    finally:
        await engine.dispose()
    assert commits == [("hh-07e7000002", "quick"), ("hh-5107000001", "slow")]
