"""A batch subscription's deliveries go as soon as a full batch is waiting, not only when the
wait of the oldest is over (services.notifications.batching; issue 15).

A new delivery of a batch subscription is first due `batch_max_wait_seconds` after it was
made: due exactly that long after its `created_at`, with no attempt yet. That is how the
deliveries waiting for others to join them are told apart from the other pending ones with
a future `next_attempt_at`: retries (an attempt made) and deliveries leased to a deliverer
(due when their lease ends, which does not fall exactly on the wait). Whenever deliveries
are added for a batch subscription, the waiting ones are counted in the same transaction,
and whole batches of `batch_max_events` (the oldest first) are made due at once; fewer than
that keep waiting for others, at most their wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence
from uuid import UUID

from sqlalchemy import Connection, select, update

from services.notifications.tables import Delivery

DELIVERY_TABLE = Delivery.__table__


@dataclass(frozen=True)
class BatchWindow:
    max_events: int
    max_wait_seconds: int


@dataclass(frozen=True)
class Waiting:
    id: UUID
    created_at: datetime
    next_attempt_at: datetime


def full_batches(pending: Sequence[Waiting], window: BatchWindow) -> list[Waiting]:
    """Of a subscription's pending first attempts not yet due, those to send now: the oldest of
    the ones waiting their batch window, in whole batches of `max_events` (pure)."""
    wait = timedelta(seconds=window.max_wait_seconds)
    waiting = sorted((p for p in pending if p.next_attempt_at - p.created_at == wait), key=lambda p: (p.created_at, str(p.id)))
    whole = len(waiting) - len(waiting) % window.max_events
    return waiting[:whole]


def send_full_batches_now(connection: Connection, subscription_id: UUID, window: BatchWindow, now: datetime) -> int:
    """Make the subscription's full batches due now; how many deliveries that moved."""
    table = DELIVERY_TABLE.c
    query = select(table.id, table.created_at, table.next_attempt_at).where(
        table.subscription_id == subscription_id, table.status == "pending", table.attempts == 0, table.next_attempt_at > now
    )
    chosen = full_batches([Waiting(*row) for row in connection.execute(query)], window)
    if not chosen:
        return 0
    # Fenced: a delivery leased or sent meanwhile (its next attempt moved) is left alone.
    moved = connection.execute(
        update(DELIVERY_TABLE)
        .where(
            table.id.in_([w.id for w in chosen]),
            table.status == "pending",
            table.attempts == 0,
            table.next_attempt_at.in_({w.next_attempt_at for w in chosen}),
        )
        .values(next_attempt_at=now)
    )
    return moved.rowcount
