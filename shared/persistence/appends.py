"""Append-only rows, written with one Core INSERT per table when the transaction commits,
not as ORM objects flushed one event at a time.

Timeline lines, audit lines, processed-event rows and outbox rows are inserted once and
never changed or read back in the transaction that writes them. The ORM's unit of work
(identity map, attribute history, a RETURNING per row for its id) buys such rows nothing,
and an autoflush before every query of a consumed batch would insert them event by event.
So `append(session, table, row)` keeps the row with the session, and the session writes
what it kept:

- at commit (before the commit's own flush), one executemany per table, rows in the order
  they were appended;
- at an explicit `session.flush()` (a caller that must hold the outbox's key lock, or
  read what it appended, before going on);
- at an autoflush only for tables registered with `read_back(table)`: rows a later
  query in the same transaction may look for (an alert, its report deadlines), so every
  query that autoflushes sees them as it saw ORM objects; the other tables' rows stay
  unseen by queries until one of the two above (no code reads those back).

A table may name the statement its rows go in with (`insert_with`): an upsert, for rows
that say "this key, as of then" and are written for many events of a batch (placement's
case regions). Its rows are then written in the order appended, each by the statement,
so a later row for the same key meets the earlier one as a conflict.

A rollback forgets what was not written. `before_insert(table, hook)` registers what must
happen just before a table's rows go in, on the same connection, with the rows in hand:
the outbox numbers its events there, which also orders them per key (shared.persistence.outbox).

Sessions come from `shared.persistence.database.session_factory`, whose sessions are
`AppendingSession`s; `append` refuses any other session rather than lose rows.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

from sqlalchemy import Connection, Executable, Table, event
from sqlmodel import Session

Row = dict[str, Any]
Hook = Callable[[Connection, list[Row]], None]

_PENDING = "appended rows"  # key in Session.info: {table: [row, ...]}
_HOOKS: dict[Table, Hook] = {}
_READ_BACK: set[Table] = set()
_STATEMENTS: dict[Table, Callable[[str], Executable]] = {}


class AppendingSession(Session):
    """A session that writes appended rows at commit and at an explicit flush (not at autoflush)."""

    _autoflushing = False

    def flush(self, objects=None) -> None:
        if not self._autoflushing:
            write_appended(self)
        super().flush(objects)

    def _autoflush(self) -> None:
        if self.autoflush and not self._flushing:
            write_appended(self, only=_READ_BACK)
        self._autoflushing = True
        try:
            super()._autoflush()
        finally:
            self._autoflushing = False


def append(session, table: Table, row: Row) -> None:
    """Keep `row` for `table`; written at commit (or an explicit flush) with the others."""
    sync = getattr(session, "sync_session", session)
    if not isinstance(sync, AppendingSession):
        raise TypeError("appended rows need a session from shared.persistence.database.session_factory")
    sync.info.setdefault(_PENDING, {}).setdefault(table, []).append(row)


def before_insert(table: Table, hook: Hook) -> None:
    """Run `hook(connection, rows)` before each insert of `table`'s appended rows."""
    _HOOKS[table] = hook


def insert_with(table: Table, statement: Callable[[str], Executable]) -> None:
    """`table`'s appended rows go in with `statement(dialect name)` instead of a plain INSERT."""
    _STATEMENTS[table] = statement
    _insert.cache_clear()  # a statement built before this registration is not used again


@cache
def _insert(table: Table, dialect: str) -> Executable:
    """Built once per table and dialect, so SQLAlchemy compiles it once."""
    make = _STATEMENTS.get(table)
    return table.insert() if make is None else make(dialect)


def read_back(table: Table) -> None:
    """Queries that autoflush see `table`'s appended rows (written at autoflush too)."""
    _READ_BACK.add(table)


def write_appended(session: Session, only: set[Table] | None = None) -> None:
    """Insert the appended rows (of the tables in `only`, if given) now, in the session's transaction."""
    pending = _taken(session, only)
    if not pending:
        return
    connection = session.connection()
    for table, rows in pending.items():
        hook = _HOOKS.get(table)
        if hook is not None:
            hook(connection, rows)
        connection.execute(_insert(table, connection.dialect.name), rows)


def _taken(session: Session, only: set[Table] | None) -> dict[Table, list[Row]] | None:
    """The pending rows to write now, no longer pending."""
    if only is None:
        return session.info.pop(_PENDING, None)
    pending: dict[Table, list[Row]] = session.info.get(_PENDING) or {}
    return {table: pending.pop(table) for table in [table for table in pending if table in only]}


@event.listens_for(AppendingSession, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_appended(session)


@event.listens_for(AppendingSession, "after_transaction_end")
def _forget_unwritten(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed (written) or rolled back
        session.info.pop(_PENDING, None)
