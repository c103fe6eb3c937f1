"""`column IN (values)` that PostgreSQL prepares once for any number of values.

SQLAlchemy renders `IN` with one parameter per value, so a batch of 37 ids and one of 38
are two statements: asyncpg prepares each anew (a round trip and a plan) and its cache of
prepared statements fills with shapes used once. The consumers' inbox and the outbox relay
ask with a batch's ids, whose number changes with every batch. On PostgreSQL `any_of` asks
`column = ANY(:name)` with the ids as one array parameter: one statement for every batch.
SQLite, which has no arrays, keeps `IN`, expanded when the statement runs.

The values are a parameter, not part of the statement: a statement that uses `any_of` is
built once and run with `{name: values}` (docs/adr/0058). Building a statement and its
cache key anew costs more CPU than running it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def any_of(column, name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN (:name)` for `dialect`: on PostgreSQL `column = ANY(:name)`, one array parameter."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))
