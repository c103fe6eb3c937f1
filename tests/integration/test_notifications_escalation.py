"""Escalation on real PostgreSQL: replicas checking at the same moment escalate each alert once."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlmodel import col, select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts import event_types
from shared.contracts.envelope import decode
from shared.contracts.events.triage import Priority
from shared.persistence.database import create_tables
from shared.persistence.outbox import OutboxMessage
from shared.runtime import build_runtime
from services.notifications.alerts import acknowledge, record_alert
from services.notifications.app import escalation_policy
from services.notifications.escalation import Escalations
from services.notifications.settings import NotificationsSettings
from services.notifications.staging import write_staged
from services.notifications.tables import METADATA, Alert, Delivery, Subscription
from tests.support.events import alert_event

pytestmark = pytest.mark.postgres
ALERTS = 40
REPLICAS = 4


async def test_replicas_checking_at_once_escalate_every_alert_exactly_once(new_database):
    url = new_database("notifications")
    clock = FakeClock()
    replicas = [build_runtime(NotificationsSettings(database_url=url), bus=InMemoryBus(), clock=clock) for _ in range(REPLICAS)]
    first = replicas[0]
    await create_tables(first.engine, METADATA)
    policy = escalation_policy(first)
    events = [alert_event("ggd-amsterdam-vangnet", clock.now(), priority=Priority.URGENT) for _ in range(ALERTS)]
    async with first.sessions() as session, session.begin():
        session.add(
            Subscription(
                id=uuid.uuid4(), organisation_id="ketenregie", callback_url="https://ketenregie.example/hooks",
                event_types=[], secret="whsec_x", created_at=clock.now(),
            )
        )
        for event in events:
            record_alert(session, event, policy)
        await write_staged(session, clock.now())
    acknowledged = events[:5]
    for event in acknowledged:
        await acknowledge(first, event.data.alert_id, "ggd-amsterdam-vangnet", None)

    clock.advance(hours=1)
    checkers = [Escalations(runtime, policy, lambda: None) for runtime in replicas]
    counts = await asyncio.gather(*(checker.check(clock.now()) for checker in checkers for _ in range(3)))

    async with first.sessions() as session:
        alerts = (await session.exec(select(Alert))).all()
        outbox = [decode(m.value.encode()) for m in (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()]
        deliveries = (await session.exec(select(Delivery))).all()
    escalated = [e for e in outbox if e.type == event_types.ALERT_ESCALATED]
    assert sum(counts) == ALERTS - len(acknowledged)
    assert sorted(str(e.data.alert_id) for e in escalated) == sorted(str(e.data.alert_id) for e in events[5:])
    assert len(deliveries) == len(escalated), "one delivery per escalation to the fallback's webhook"
    assert all((a.escalated_to == "ketenregie") == (a.acknowledged_at is None) for a in alerts)
    assert all(a.acknowledgement_due == events[0].envelope.time + timedelta(hours=1) for a in alerts)
    for runtime in replicas:
        await runtime.engine.dispose()
