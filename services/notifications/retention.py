"""Notifications' retention: what it keeps of a household is the alerts in the inbox and
the deliveries (the CloudEvent body as the webhook got it: counts, ages, the case's
pseudonym). The job and the deletion log: shared.retention; why these periods: docs/adr/0023.

- a delivered delivery goes `NOTIFICATIONS_RETENTION_DELIVERED_DAYS` (30) after it was delivered;
- a dead one `NOTIFICATIONS_RETENTION_DEAD_DAYS` (90) after it was made, like a dead-letter topic;
- an inbox alert `NOTIFICATIONS_RETENTION_INBOX_MONTHS` (12) after it was raised: long past its
  acknowledgement and escalation. Pending deliveries stay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.retention import Deleted, Sweep, months_before
from services.notifications.tables import Alert, Delivery

RETENTION_JOB = "notifications-retention"


def notification_sweeps(delivered_days: int, dead_days: int, inbox_months: int) -> list[Sweep]:
    async def deliveries(session: AsyncSession, now: datetime) -> list[Deleted]:
        delivered = and_(Delivery.status == "delivered", col(Delivery.delivered_at) <= now - timedelta(days=delivered_days))
        dead = and_(Delivery.status == "dead", col(Delivery.created_at) <= now - timedelta(days=dead_days))
        rule = f"delivery_delivered_{delivered_days}_days_dead_{dead_days}_days"
        return [await _delete(session, Delivery, Delivery.case_key, or_(delivered, dead), rule, "delivery")]

    async def inbox(session: AsyncSession, now: datetime) -> list[Deleted]:
        old = col(Alert.raised_at) <= months_before(now, inbox_months)
        return [await _delete(session, Alert, Alert.case_key, old, f"inbox_alert_{inbox_months}_months", "inbox_alert")]

    return [deliveries, inbox]


async def _delete(session: AsyncSession, table, case_key, where, rule: str, kind: str) -> Deleted:
    cases = (await session.exec(select(func.count(func.distinct(case_key))).where(where))).one()
    result = await session.exec(delete(table).where(where))
    return Deleted(rule, kind, cases, result.rowcount)
