"""The `INSERT` that knows `ON CONFLICT`, for the database at hand.

SQLAlchemy's generic `insert()` has no `ON CONFLICT`; PostgreSQL's and SQLite's dialects
each have their own `insert()` that has it (`on_conflict_do_nothing`,
`on_conflict_do_update`). The services run on PostgreSQL, their unit tests on SQLite, so
a statement that upserts picks its dialect's `insert` here, by the dialect's name.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(dialect: str):
    """The `insert` of `dialect` ("postgresql", or SQLite for any other name)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert
