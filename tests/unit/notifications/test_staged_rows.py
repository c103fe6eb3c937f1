"""A consumed batch's alerts and webhook deliveries are written together before its transaction
commits (services/notifications/staging.py): numbered in the order they came, the same alert
kept once, and nothing committed quietly without them."""

import json
import uuid

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.persistence.database import create_tables
from shared.runtime import build_runtime
from services.notifications.app import escalation_policy
from services.notifications.fanout import Fanout
from services.notifications.settings import NotificationsSettings
from services.notifications.tables import METADATA, Alert, Delivery, Subscription
from tests.support.events import alert_event

GGD = "ggd-amsterdam-vangnet"
CASE = "hh-5e9ce00000000001"


@pytest.fixture
async def runtime(tmp_path, clock):
    runtime = build_runtime(NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db"), bus=InMemoryBus(), clock=clock)
    await create_tables(runtime.engine, METADATA)
    async with runtime.sessions() as session, session.begin():
        session.add(Subscription(id=uuid.uuid4(), organisation_id=GGD, callback_url="https://ggd.example/hooks",
                                 event_types=[], secret="whsec_x", created_at=clock.now()))  # fmt: skip
    yield runtime
    await runtime.engine.dispose()


async def rows(runtime, table):
    async with runtime.sessions() as session:
        return list((await session.exec(select(table))).all())


async def test_one_batch_numbers_a_case_in_order_and_keeps_a_repeated_alert_once(runtime, clock):
    fanout = Fanout(runtime, escalation_policy(runtime), lambda: None)
    first, second = alert_event(GGD, clock.now(), case=CASE), alert_event(GGD, clock.now(), case=CASE)
    again = type(first)(envelope=first.envelope.model_copy(update={"id": uuid.uuid4()}), data=first.data)  # the same alert, another event
    async with runtime.sessions() as session, session.begin():
        for event in (first, second, again):
            await fanout.apply(session, event)
        await fanout.finish(session)

    bodies = {str(d.event_id): json.loads(d.body) for d in await rows(runtime, Delivery)}
    assert [bodies[str(e.id)]["sequence"] for e in (first, second, again)] == ["0000000001", "0000000002", "0000000003"]
    assert bodies[str(first.id)]["data"] == first.envelope.data and bodies[str(first.id)]["id"] == str(first.id)
    alerts = await rows(runtime, Alert)
    assert sorted(str(a.alert_id) for a in alerts) == sorted(str(e.data.alert_id) for e in (first, second))
    assert {a.event_id for a in alerts} == {first.id, second.id}, "a repeated alert keeps its first event's row"


async def test_a_transaction_that_forgets_to_write_what_it_staged_commits_nothing(runtime, clock):
    fanout = Fanout(runtime, escalation_policy(runtime), lambda: None)
    with pytest.raises(RuntimeError, match="write_staged"):
        async with runtime.sessions() as session, session.begin():
            await fanout.apply(session, alert_event(GGD, clock.now()))
    assert await rows(runtime, Delivery) == [] and await rows(runtime, Alert) == []
