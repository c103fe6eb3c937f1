"""Transactional outbox: events are written in the same transaction as the state
change that caused them, and the relay (relay.py) publishes them afterwards.
Every publish of the chain goes through here; nothing writes to Kafka directly."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, Index, Text
from sqlmodel import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event, encode
from shared.persistence.database import ChainTable, UtcDateTime


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


def add_to_outbox(session: AsyncSession, topic: str, event: Event) -> OutboxMessage:
    """Stage `event` for publication on `topic`, keyed by its subject (the case pseudonym)."""
    message = OutboxMessage(
        event_id=event.id,
        topic=topic,
        key=event.subject,
        value=encode(event).decode(),
        created_at=event.envelope.time,
    )
    session.add(message)
    return message
