"""Transactional outbox: events are written in the same transaction as the state
change that caused them, and the relay (relay.py) publishes them afterwards.
Every publish of the chain goes through here; nothing writes to Kafka directly.

Order per key: before a transaction's outbox rows are inserted (at commit, or at an
explicit flush: outbox rows are appended rows, shared.persistence.appends), each staged
event draws the next number of its key's stream as its CloudEvents `sequence`
(shared.persistence.sequence), in the order the events were staged. Drawing upserts the
key's counter row, and on PostgreSQL that row stays locked until the transaction commits
or rolls back. Two transactions staging events for one case therefore take turns: the
second draws, and so inserts and draws its ids, only after the first committed. Within a
key, id order is commit order and sequence order, and the relay publishes in id order.
Different cases do not wait for each other. SQLite needs no lock: it has one writer at a
time, and a transaction keeps the write lock from its first write until it commits.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, Connection, Index, Text, event, inspect
from sqlalchemy.orm import Session
from sqlmodel import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event, encode_with_sequence, with_sequence
from shared.persistence.appends import append, before_insert
from shared.persistence.database import ChainTable, UtcDateTime
from shared.persistence.sequence import as_sequence, draw


class OutboxMessage(ChainTable, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: UUID = Field(unique=True)
    topic: str
    key: str
    value: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    attempts: int = 0
    last_error: str | None = None


def add_to_outbox(session: AsyncSession, topic: str, event: Event) -> None:
    """Stage `event` for publication on `topic`, keyed by its subject (the case pseudonym).

    An appended row (shared.persistence.appends): inserted at commit, or at an explicit
    flush, with the others of its transaction in one statement; its value is the event
    serialised once, with its `sequence`, just before."""
    append(session, OutboxMessage.__table__, {
        "event_id": event.id, "topic": topic, "key": event.subject, "value": event, "created_at": event.envelope.time,
        "sent_at": None, "attempts": 0, "last_error": None,
    })  # fmt: skip


def _stage_appended(connection: Connection, rows: list[dict]) -> None:
    """Before the appended rows go in: each event serialised once with the next number of
    its key (the draw that also makes a later transaction of the key wait), in the order
    they were staged."""
    numbers = draw(connection, (row["key"] for row in rows))
    for row in rows:
        row["value"] = encode_with_sequence(row["value"], as_sequence(numbers[row["key"]].pop(0)))


before_insert(OutboxMessage.__table__, _stage_appended)


@event.listens_for(Session, "before_flush")
def _number_before_staging(session: Session, _flush_context, _instances) -> None:
    """Outbox rows added as ORM objects (a test's raw rows): the same numbers, the same turns."""
    staged = [item for item in session.new if isinstance(item, OutboxMessage)]
    if staged:
        _number(session.connection(), staged)


def _number(connection, staged: list[OutboxMessage]) -> None:
    """Set each staged event's `sequence`: the next numbers of its key, in staging order."""
    staged.sort(key=lambda message: inspect(message).insert_order)
    numbers = draw(connection, (message.key for message in staged))
    for message in staged:
        message.value = with_sequence(message.value, as_sequence(numbers[message.key].pop(0)))
