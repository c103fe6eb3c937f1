"""A claim of due deliveries (docs/adr/0012): up to `limit` pending deliveries due now, each
with the columns of its target, leased to this deliverer until `leased_until`.

On PostgreSQL the claim is one statement, built once and run on its own (autocommit): an
`UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING` inside a CTE, joined to the
targets. A single statement is atomic by itself, so it locks, leases and reads what it took
in one round trip instead of four (BEGIN, SELECT, UPDATE, COMMIT); two instances still never
claim one delivery, since the rows one locks are skipped by the other. SQLite (development,
tests) has neither row locks nor DML in a CTE: there the SELECT and the UPDATE run in one
transaction, as a writer locks the whole database anyway.

Rows come back in the order they fell due, as batching expects (services.notifications.batching).

A claim whose answer was lost (the connection dropped after the statement ran: a database
restart) may have leased rows that nobody will send. Every claim's `leased_until` is its
own instant, so `release` gives exactly those rows back, due at once, instead of leaving
them until the lease ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable
from uuid import UUID

from sqlalchemy import Integer, Row, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from services.notifications.tables import Abonnement, Delivery, Subscription
from services.notifications.targets import TARGET_COLUMNS, deliveries_with_targets

DELIVERY_TABLE = Delivery.__table__
COLUMNS = DELIVERY_TABLE.c
NEXT_DUE = select(func.min(COLUMNS.next_attempt_at)).where(COLUMNS.status == "pending")
HAS_TARGET = or_(col(Subscription.id).is_not(None), col(Abonnement.id).is_not(None))


def _due(query):
    """`query` narrowed to the pending deliveries due at `now`, not held here, oldest first, at most `limit`."""
    return (
        query.where(COLUMNS.status == "pending", COLUMNS.next_attempt_at <= bindparam("now"))
        .where(COLUMNS.id.not_in(bindparam("held", expanding=True)))
        .order_by(COLUMNS.next_attempt_at)
        .limit(bindparam("limit", type_=Integer))
    )


def _claim_in_one_statement():
    """PostgreSQL: lock, lease and read the due deliveries with their targets in one statement."""
    locked = (
        _due(select(COLUMNS.id, COLUMNS.next_attempt_at.label("due_at")).select_from(DELIVERY_TABLE))
        .outerjoin(Subscription, col(Subscription.id) == COLUMNS.subscription_id)
        .outerjoin(Abonnement, col(Abonnement.id) == COLUMNS.subscription_id)
        .where(HAS_TARGET)
        .with_for_update(of=DELIVERY_TABLE, skip_locked=True)
        .subquery("due")
    )
    leased = (
        update(DELIVERY_TABLE)
        .where(COLUMNS.id == locked.c.id)
        .values(next_attempt_at=bindparam("leased_until"))
        .returning(COLUMNS.id, COLUMNS.event_id, COLUMNS.body, COLUMNS.subscription_id, locked.c.due_at)
        .cte("leased")
    )
    return (
        select(leased.c.id, leased.c.event_id, leased.c.body, *TARGET_COLUMNS)
        .select_from(leased)
        .outerjoin(Subscription, col(Subscription.id) == leased.c.subscription_id)
        .outerjoin(Abonnement, col(Abonnement.id) == leased.c.subscription_id)
        .where(HAS_TARGET)
        .order_by(leased.c.due_at)
    )


CLAIM_POSTGRESQL = _claim_in_one_statement()
DUE_SQLITE = _due(deliveries_with_targets())


async def claim(
    engine: AsyncEngine, now: datetime, leased_until: datetime, limit: int, held: Iterable[UUID]
) -> tuple[list[Row], datetime | None]:
    """The deliveries claimed (id, event id, body, the target columns), and when the next
    pending one is due when none was: `now` when some were (look again soon)."""
    parameters = {"now": now, "leased_until": leased_until, "limit": limit, "held": list(held)}
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            due = (await connection.execute(CLAIM_POSTGRESQL, parameters)).all()
            return due, (now if due else (await connection.execute(NEXT_DUE)).scalar())
    async with engine.begin() as connection:
        due = (await connection.execute(DUE_SQLITE, parameters)).all()
        if due:
            ids = [row.id for row in due]
            await connection.execute(update(DELIVERY_TABLE).where(COLUMNS.id.in_(ids)).values(next_attempt_at=leased_until))
        return due, (now if due else (await connection.execute(NEXT_DUE)).scalar())


RELEASE = (
    update(DELIVERY_TABLE)
    .where(COLUMNS.status == "pending", COLUMNS.next_attempt_at == bindparam("leased_until"))
    .values(next_attempt_at=bindparam("now"))
)


async def release(engine: AsyncEngine, leased_until: datetime, now: datetime) -> int:
    """Give back, due `now`, what a claim with this `leased_until` leased and nobody sent
    (its answer was lost); how many rows that was. A claim that leased nothing releases nothing."""
    async with engine.begin() as connection:
        return (await connection.execute(RELEASE, {"leased_until": leased_until, "now": now})).rowcount
