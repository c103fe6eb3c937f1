"""Outcomes written to the delivery rows in few statements (docs/adr/0034), each fenced: a row
changes only while it is still `pending` with the lease its claim set (docs/adr/0012).

- Delivered: one `UPDATE … WHERE (id, next_attempt_at) IN ((<id>, <its lease>), …) AND status =
  'pending' RETURNING …` per status code (deliveries of several claims, each with its own lease,
  in one statement), so no row is read first; what it returns is what was recorded, and what
  alert.delivered announces. Built once, with the pairs as parameters (`_delivered`,
  docs/adr/0059).
- Failed: the attempts made decide the next one (or the dead letter), so those rows are read,
  the backoff is computed here, and they are written in one executemany, fenced the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import Callable, Sequence
from uuid import UUID

from sqlalchemy import Row, Update, bindparam, cast, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.backoff import Backoff
from services.notifications.tables import Delivery

TABLE = Delivery.__table__
COLUMNS = TABLE.c
ANNOUNCED_COLUMNS = (COLUMNS.id, COLUMNS.event_id, COLUMNS.event_type, COLUMNS.recipient, COLUMNS.subscription_id,
                     COLUMNS.case_key, COLUMNS.attempts)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    delivery_id: UUID
    leased_until: datetime  # the lease the claim set: the fence
    status_code: int | None
    error: str | None


@dataclass(frozen=True)
class Failure:
    """A failed attempt as written: retried at `next_attempt_at`, or dead when that is None."""

    id: UUID
    event_id: UUID
    attempts: int
    next_attempt_at: datetime | None


def _by_status(outcome: Outcome) -> int:
    return outcome.status_code or 0


async def write_delivered(connection: AsyncConnection, outcomes: Sequence[Outcome], now: datetime) -> list[Row]:
    """Mark delivered; the rows recorded (ANNOUNCED_COLUMNS), the others' lease had moved on."""
    recorded: list[Row] = []
    statement, fence = _delivered(connection.dialect.name)
    for status_code, group in groupby(sorted(outcomes, key=_by_status), _by_status):
        leases = [(o.delivery_id, o.leased_until) for o in group]  # each row with its own claim's lease
        asked = {"now": now, "status_code": status_code or None, **fence(leases)}
        recorded.extend((await connection.execute(statement, asked)).all())
    return recorded


@cache
def _delivered(dialect: str) -> tuple[Update, Callable[[list[tuple[UUID, datetime]]], dict]]:
    """`UPDATE … delivered` fenced by `(id, lease) IN` the leases given, built once (docs/adr/0058),
    and how the leases become its parameters. On PostgreSQL the leases are two arrays, unnested
    side by side: one prepared statement for any number of deliveries. SQLite, which has no
    arrays, expands a list of pairs when the statement runs."""
    leased = tuple_(COLUMNS.id, COLUMNS.next_attempt_at)
    if dialect == "postgresql":
        ids = cast(bindparam("ids"), ARRAY(COLUMNS.id.type))
        times = cast(bindparam("leases"), ARRAY(COLUMNS.next_attempt_at.type))
        fenced = leased.in_(select(func.unnest(ids), func.unnest(times)))

        def fence(leases: list[tuple[UUID, datetime]]) -> dict:
            return {"ids": [id_ for id_, _ in leases], "leases": [lease for _, lease in leases]}
    else:
        fenced = leased.in_(bindparam("leases", expanding=True))

        def fence(leases: list[tuple[UUID, datetime]]) -> dict:
            return {"leases": leases}

    statement = (
        update(TABLE)
        .where(fenced, COLUMNS.status == "pending")
        .values(status="delivered", delivered_at=bindparam("now"), attempts=COLUMNS.attempts + 1,
                last_status_code=bindparam("status_code"), last_error=None)
        .returning(*ANNOUNCED_COLUMNS)
    )  # fmt: skip
    return statement, fence


async def write_failed(connection: AsyncConnection, outcomes: Sequence[Outcome], backoff: Backoff, now: datetime) -> list[Failure]:
    """Schedule the next attempt of each failed delivery, or dead-letter it; the ones written."""
    if not outcomes:
        return []
    query = select(COLUMNS.id, COLUMNS.event_id, COLUMNS.attempts, COLUMNS.status, COLUMNS.next_attempt_at).where(
        COLUMNS.id.in_([o.delivery_id for o in outcomes])
    )
    rows = {row.id: row for row in (await connection.execute(query)).all()}
    failures, parameters = [], []
    for outcome in outcomes:
        row = rows.get(outcome.delivery_id)
        if row is None or row.status != "pending" or row.next_attempt_at != outcome.leased_until:
            continue
        attempts = row.attempts + 1
        next_attempt = backoff.next_attempt(attempts, now)
        failures.append(Failure(row.id, row.event_id, attempts, next_attempt))
        parameters.append({
            "b_id": row.id, "b_leased": outcome.leased_until, "b_attempts": attempts, "b_code": outcome.status_code,
            "b_error": outcome.error, "b_status": "pending" if next_attempt else "dead",
            "b_next": next_attempt or outcome.leased_until,  # a dead delivery keeps the time it had
        })  # fmt: skip
    if parameters:
        await connection.execute(FAILED, parameters)
    return failures


FAILED = (
    update(TABLE)
    .where(COLUMNS.id == bindparam("b_id"), COLUMNS.status == "pending", COLUMNS.next_attempt_at == bindparam("b_leased"))
    .values(
        attempts=bindparam("b_attempts"),
        last_status_code=bindparam("b_code"),
        last_error=bindparam("b_error"),
        status=bindparam("b_status"),
        next_attempt_at=bindparam("b_next"),
    )
)
