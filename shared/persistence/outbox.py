"""Transactional outbox: events are written in the same transaction as the state
change that caused them, and the relay (relay.py) publishes them afterwards.
Every publish of the chain goes through here; nothing writes to Kafka directly.

Order per key: on PostgreSQL, a transaction takes a lock on each key it stages
events for (`pg_advisory_xact_lock`, held until it commits or rolls back) just
before its outbox rows are inserted (at commit, or at an explicit flush: outbox rows
are appended rows, shared.persistence.appends). Two transactions staging events for one case
therefore take turns: the second inserts, and so draws its ids, only after the
first committed. Within a key, id order is commit order, and the relay publishes in
id order. SQLite needs no lock: it has one writer at a time, and a transaction
keeps the write lock from its first write until it commits.

Sequence per key: in the same step, after the locks, each staged event gets the next
number of its key's stream as its CloudEvents `sequence` (shared.persistence.sequence),
in the order the events were staged: within a key, sequence order is id order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable
from uuid import UUID

from sqlalchemy import Column, Connection, Index, Text, event, inspect, text
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


# Two int4 keys: a space of its own, apart from the relay's single bigint lock.
OUTBOX_KEY_LOCK_CLASS = 7_318_002
_LOCK_KEYS = text(
    "SELECT count(pg_advisory_xact_lock(:lock_class, h)) FROM "
    "(SELECT DISTINCT hashtext(k) AS h FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ordered"
)


def _lock_keys(connection: Connection, keys: Iterable[str]) -> None:
    """Take the per-key locks (in hash order, so two transactions never wait on each other
    crosswise) before outbox rows of those keys are inserted and draw their ids."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_KEYS, {"lock_class": OUTBOX_KEY_LOCK_CLASS, "keys": sorted(set(keys))})


def _stage_appended(connection: Connection, rows: list[dict]) -> None:
    """Before the appended rows go in: the locks of their keys, then each event serialised
    once with the next number of its key, in the order they were staged."""
    _lock_keys(connection, (row["key"] for row in rows))
    numbers = draw(connection, (row["key"] for row in rows))
    for row in rows:
        row["value"] = encode_with_sequence(row["value"], as_sequence(numbers[row["key"]].pop(0)))


before_insert(OutboxMessage.__table__, _stage_appended)


@event.listens_for(Session, "before_flush")
def _lock_keys_before_staging(session: Session, _flush_context, _instances) -> None:
    """Outbox rows added as ORM objects (a test's raw rows): the same locks and numbers."""
    staged = [item for item in session.new if isinstance(item, OutboxMessage)]
    if not staged:
        return
    connection = session.connection()
    _lock_keys(connection, (message.key for message in staged))
    _number(connection, staged)


def _number(connection, staged: list[OutboxMessage]) -> None:
    """Set each staged event's `sequence`: the next numbers of its key, in staging order."""
    staged.sort(key=lambda message: inspect(message).insert_order)
    numbers = draw(connection, (message.key for message in staged))
    for message in staged:
        message.value = with_sequence(message.value, as_sequence(numbers[message.key].pop(0)))
