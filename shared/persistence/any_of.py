"""`column IN (values)` that PostgreSQL prepares once for any number of values.

SQLAlchemy renders `IN` with one parameter per value, so a batch of 37 ids and one of 38
are two statements: asyncpg prepares each anew (a round trip and a plan) and its cache of
prepared statements fills with shapes used once. The consumers' inbox and the outbox relay
ask with a batch's ids, whose number changes with every batch. On PostgreSQL `any_of` asks
`column = ANY($1)` with the ids as one array parameter: one statement for every batch.
SQLite, which has no arrays, keeps `IN`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.database import is_postgres


def any_of(session: AsyncSession, column, values: Iterable) -> ColumnElement[bool]:
    """`column IN (values)`: on PostgreSQL as `column = ANY(<array of values>)`."""
    values = list(values)
    if is_postgres(session.bind):
        return column == any_(bindparam("any_of_values", values, type_=ARRAY(column.type), unique=True))
    return column.in_(values)
