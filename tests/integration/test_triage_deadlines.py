"""Each overdue report brings exactly one reminder and one escalation, even with several
triage replicas checking the same PostgreSQL database at the same moment."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.events.triage import AlertKind, AlertTrigger, Priority
from shared.persistence.database import create_tables
from shared.persistence.outbox import OutboxMessage
from shared.runtime import build_runtime
from services.triage.alert_shapes import AlertSpec
from services.triage.alerting import Alerter
from services.triage.eviction_watch import EvictionWatch
from services.triage.rules import load_rules
from services.triage.settings import TriageSettings
from services.triage.tables import METADATA, Alert, HouseholdCase
from services.triage.timers import DeadlineTimers

pytestmark = pytest.mark.postgres
REPLICAS = 4
CASES = 6


def replica(url: str, clock: FakeClock):
    runtime = build_runtime(TriageSettings(database_url=url), bus=InMemoryBus(), clock=clock)
    rules = load_rules(runtime.settings.rules_file, runtime.organisations)
    alerter = Alerter(runtime)
    watch = EvictionWatch(runtime, rules, alerter, 14)
    return runtime, alerter, DeadlineTimers(runtime, rules, alerter, watch, timedelta(days=3))


async def seed(runtime, alerter, clock) -> None:
    now = clock.now()
    async with runtime.sessions() as session, session.begin():
        for _ in range(CASES):
            case = HouseholdCase(case_key=f"hh-{uuid.uuid4().hex}", municipality_code="0363", state="signalled", opened_at=now, updated_at=now)
            session.add(case)
            alerter.raise_alert(session, case, AlertSpec(
                recipient="vroeg-eropaf-amsterdam", kind=AlertKind.PREVENTION, priority=Priority.NORMAL,
                due=now + timedelta(days=14), reason="two months", rule_id="ams-arrears-vroeg-eropaf",
                trigger=AlertTrigger.SIGNAL, signal_id=uuid.uuid4(), signal_type="arrears.reported",
                intermediate_report_due=now + timedelta(days=14), final_report_due=now + timedelta(days=28),
            ), now, None)  # fmt: skip


async def kinds(runtime) -> list[str]:
    async with runtime.sessions() as session:
        return [alert.kind for alert in (await session.exec(select(Alert))).all()]


async def test_replicas_racing_on_the_same_deadlines_fire_each_once(new_database):
    url = new_database("triage")
    clock = FakeClock()
    replicas = [replica(url, clock) for _ in range(REPLICAS)]
    runtime, alerter, _ = replicas[0]
    await create_tables(runtime.engine, METADATA)
    await seed(runtime, alerter, clock)
    try:
        clock.advance(days=14, minutes=1)
        await asyncio.gather(*(timers.check(clock.now()) for _, _, timers in replicas))
        assert (await kinds(runtime)).count("reminder") == CASES

        clock.advance(days=3)
        await asyncio.gather(*(timers.check(clock.now()) for _, _, timers in replicas))
        await asyncio.gather(*(timers.check(clock.now()) for _, _, timers in replicas))
        found = await kinds(runtime)
        assert found.count("reminder") == CASES and found.count("escalation") == CASES

        clock.advance(days=11)  # day 28: the final reports are overdue as well
        await asyncio.gather(*(timers.check(clock.now()) for _, _, timers in replicas))
        assert (await kinds(runtime)).count("reminder") == 2 * CASES
        async with runtime.sessions() as session:
            staged = (await session.exec(select(OutboxMessage))).all()
        assert len(staged) == CASES + 2 * CASES + CASES, "every alert published once, in its own transaction"
    finally:
        for each, _, _ in replicas:
            await each.engine.dispose()
