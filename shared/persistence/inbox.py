"""Idempotent consumption: the id of every processed event is stored in the same
transaction as its effect, so a redelivered event has no second effect."""

from __future__ import annotations

from typing import Awaitable, Callable
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event
from shared.persistence.database import ChainTable

Effect = Callable[[AsyncSession, Event], Awaitable[None]]


class ProcessedEvent(ChainTable, table=True):
    __tablename__ = "processed_event"

    consumer: str = Field(primary_key=True)
    event_id: UUID = Field(primary_key=True)


async def handle_once(
    sessions: async_sessionmaker[AsyncSession], consumer: str, event: Event, effect: Effect
) -> bool:
    """Run `effect` for `event` unless `consumer` already did; True when it ran now."""
    try:
        async with sessions() as session, session.begin():
            seen = await session.exec(
                select(ProcessedEvent).where(ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event.id)
            )
            if seen.first() is not None:
                return False
            session.add(ProcessedEvent(consumer=consumer, event_id=event.id))
            await effect(session, event)
    except IntegrityError:
        # A concurrent delivery of the same event won the race and committed first.
        async with sessions() as session:
            seen = await session.exec(
                select(ProcessedEvent).where(ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event.id)
            )
            if seen.first() is not None:
                return False
        raise
    return True
