"""Idempotent consumption: the id of every processed event is stored in the same
transaction as its effect, so a redelivered event has no second effect.

The processed-event rows are appended rows (shared.persistence.appends): a batch's ids go
in with one statement at commit. A concurrent delivery that stored one of them first
makes that commit fail (primary key), and nothing of the batch is kept."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any, Awaitable, Callable, Sequence
from uuid import UUID

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Field, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.envelope import Event
from shared.persistence.any_of import any_of
from shared.persistence.appends import append, before_insert
from shared.persistence.database import ChainTable

Effect = Callable[[AsyncSession, Event], Awaitable[None]]
# Runs once after a batch's effects, in their transaction: for a consumer that gathers what
# its effects collected and writes it together (the monitor's counters).
Finish = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class Prepared:
    """An effect that first gathers facts outside the transaction (an HTTP lookup, say),
    so no database transaction is held open while waiting on another system.

    `read_ahead`, when given, runs once per consumed batch in its transaction before any
    effect, with each event and its facts: the rows the batch's effects will look for, read
    in one query rather than one per event (`batch_start`). An event handled on its own
    (a batch that fell back) does without it."""

    prepare: Callable[[Event], Awaitable[Any]]
    apply: Callable[[AsyncSession, Event, Any], Awaitable[None]]
    read_ahead: Callable[[AsyncSession, Sequence[tuple[Event, Any]]], Awaitable[None]] | None = None

    async def effect_for(self, event: Event) -> Effect:
        return PreparedEffect(self, event, await self.prepare(event))


@dataclass(frozen=True)
class PreparedEffect:
    """A prepared event's effect: `apply` with the facts gathered for it."""

    prepared: Prepared
    event: Event
    facts: Any

    async def __call__(self, session: AsyncSession, received: Event) -> None:
        await self.prepared.apply(session, received, self.facts)


def batch_start(effects: Sequence[Effect]) -> Finish | None:
    """What a batch runs before its effects: each Prepared's `read_ahead`, with its events' facts."""
    ahead: dict[int, tuple[Prepared, list[tuple[Event, Any]]]] = {}
    for effect in effects:
        if isinstance(effect, PreparedEffect) and effect.prepared.read_ahead is not None:
            ahead.setdefault(id(effect.prepared), (effect.prepared, []))[1].append((effect.event, effect.facts))
    if not ahead:
        return None

    async def start(session: AsyncSession) -> None:
        for prepared, looked in ahead.values():
            await prepared.read_ahead(session, looked)

    return start


class ProcessedEvent(ChainTable, table=True):
    __tablename__ = "processed_event"

    consumer: str = Field(primary_key=True)
    event_id: UUID = Field(primary_key=True)


def _in_key_order(_connection, rows: list[dict]) -> None:
    """A batch's processed-event rows go in in key order. Two instances handed the same events
    at once (a rebalance) may hold them in different orders; inserted in one order, the second
    waits for the first and is refused by the key, instead of each holding a row the other
    waits for (a deadlock)."""
    rows.sort(key=itemgetter("consumer", "event_id"))


before_insert(ProcessedEvent.__table__, _in_key_order)


async def handle_once(
    sessions: async_sessionmaker[AsyncSession], consumer: str, event: Event, effect: Effect, finish: Finish | None = None
) -> bool:
    """Run `effect` for `event` unless `consumer` already did; True when it ran now."""
    try:
        return await handle_all_once(sessions, consumer, [(event, effect)], finish) == 1
    except IntegrityError:
        # A concurrent delivery of the same event won the race and committed first.
        async with sessions() as session:
            seen = await session.exec(
                select(ProcessedEvent).where(ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event.id)
            )
            if seen.first() is not None:
                return False
        raise


async def handle_all_once(
    sessions: async_sessionmaker[AsyncSession],
    consumer: str,
    work: Sequence[tuple[Event, Effect]],
    finish: Finish | None = None,
    start: Finish | None = None,
) -> int:
    """Run each effect once for its event, in order, all in ONE transaction (`start` first,
    then `finish`, when any ran); returns how many ran.

    All or nothing: when any effect fails (or a concurrent delivery stored one of the
    ids first) nothing is kept and the error rises, so the caller can fall back to
    `handle_once` per event."""
    if not work:
        return 0
    async with sessions() as session, session.begin():
        asked = {"consumer": consumer, "ids": [event.id for event, _ in work]}
        seen = set((await session.exec(_processed_of(session.bind.dialect.name), params=asked)).all())
        if start is not None:
            await start(session)
        ran = 0
        for event, effect in work:
            if event.id in seen:
                continue
            seen.add(event.id)  # the same event twice in one batch has one effect
            append(session, ProcessedEvent.__table__, {"consumer": consumer, "event_id": event.id})
            await effect(session, event)
            ran += 1
        if ran and finish is not None:
            await finish(session)
    return ran


@cache
def _processed_of(dialect: str):
    """Which of the ids `:ids` consumer `:consumer` processed: built once per dialect (any_of)."""
    processed = col(ProcessedEvent.event_id)
    return select(processed).where(ProcessedEvent.consumer == bindparam("consumer"), any_of(processed, "ids", dialect))
