"""The rows a fan-out transaction makes, staged as it goes and written together before it
commits (docs/adr/0034): every alert of a consumed batch in one INSERT, every webhook
delivery in one INSERT, and the `sequence` of every webhook delivery in one draw, instead
of an ORM object, a look-up and an upsert per event.

`write_staged` must run in the transaction before it commits: the consumer runs it as its
batch's `finish`, the escalation check and tests call it themselves. A transaction that
commits with rows still staged fails, so a forgotten call cannot lose deliveries quietly.

An alert already kept (the same alert in a second event) is left as it is (`ON CONFLICT DO
NOTHING`): the first one's timer stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from uuid import UUID

from sqlalchemy import Connection, event, insert
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import CloudEvent
from shared.persistence.dialect_insert import dialect_insert
from shared.persistence.sequence import as_sequence, delivery_stream, draw
from services.notifications.batching import DeliveryMode
from services.notifications.full_batches import BatchWindow, send_full_batches_now
from services.notifications.tables import Alert, Delivery

STAGED = "notifications.staged"
ALERT_TABLE = Alert.__table__
DELIVERY_TABLE = Delivery.__table__
_INSERT_DELIVERIES = insert(DELIVERY_TABLE)  # built once (docs/adr/0058)


@dataclass
class Numbered:
    """A webhook delivery whose body is its CloudEvent with the next `sequence` of its stream."""

    row: dict
    stream: str
    envelope: CloudEvent


@dataclass
class Staged:
    alerts: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    numbered: list[Numbered] = field(default_factory=list)
    windows: dict[UUID, BatchWindow] = field(default_factory=dict)  # batch subscriptions that got a delivery


def staged(session: AsyncSession) -> Staged:
    return session.info.setdefault(STAGED, Staged())


def stage_alert(session: AsyncSession, row: dict) -> None:
    staged(session).alerts.append(row)


def stage_webhook_delivery(session: AsyncSession, row: dict, envelope: CloudEvent, subscription) -> None:
    """A delivery to a webhook subscription; its body (the CloudEvent with this subscription's
    `sequence` about the case) is made when the transaction's numbers are drawn."""
    into = staged(session)
    into.deliveries.append(row)
    into.numbered.append(Numbered(row, delivery_stream(subscription.id, envelope.subject), envelope))
    if subscription.delivery_mode is DeliveryMode.BATCH:
        into.windows[subscription.id] = BatchWindow(subscription.batch_max_events, subscription.batch_max_wait_seconds)


async def write_staged(session: AsyncSession, now: datetime) -> None:
    """Write what this transaction staged (nothing when it staged nothing)."""
    rows = session.info.pop(STAGED, None)
    if rows is not None:
        await session.run_sync(lambda sync_session: _write(sync_session.connection(), rows, now))


def _write(connection: Connection, rows: Staged, now: datetime) -> None:
    _number(connection, rows.numbered)
    if rows.alerts:
        connection.execute(_insert_new_alerts(connection.dialect.name), rows.alerts)
    if rows.deliveries:
        connection.execute(_INSERT_DELIVERIES, rows.deliveries)
    for subscription_id, window in rows.windows.items():
        send_full_batches_now(connection, subscription_id, window, now)


def _number(connection: Connection, numbered: list[Numbered]) -> None:
    """One draw for every stream; within a stream the numbers follow staging order."""
    if not numbered:
        return
    numbers = draw(connection, [item.stream for item in numbered])
    for item in numbered:
        sequence = as_sequence(numbers[item.stream].pop(0))
        item.row["body"] = item.envelope.model_copy(update={"sequence": sequence}).model_dump_json(exclude_none=True)


@event.listens_for(Session, "before_commit")
def _nothing_left_staged(session: Session) -> None:
    if session.info.get(STAGED):
        raise RuntimeError("notifications rows staged but not written: call write_staged before commit")


@event.listens_for(Session, "after_rollback")
def _staged_rows_go_with_the_transaction(session: Session) -> None:
    session.info.pop(STAGED, None)


@cache
def _insert_new_alerts(dialect: str):
    """Alerts not stored yet (a replayed one is there already); built once (docs/adr/0058)."""
    return dialect_insert(dialect)(ALERT_TABLE).on_conflict_do_nothing()
