"""Memory that lasts one database transaction: what a session learnt in its current
transaction (a row it opened, a version it read), forgotten when the next one begins.

Kept in `Session.info` as (transaction, {…}). A read made before the session began its
transaction began that transaction, so memory taken then belongs to it."""

from __future__ import annotations

from typing import Any


def remembered(session: Any, name: str) -> dict:
    """The session's memory called `name` for its current transaction (empty in a new one)."""
    sync = getattr(session, "sync_session", session)
    transaction = sync.get_transaction()
    held = sync.info.get(name)
    if held is not None and held[0] is None:  # taken before the transaction began: that read began it
        held = sync.info[name] = (transaction, held[1])
    if held is None or held[0] is not transaction:
        held = sync.info[name] = (transaction, {})
    return held[1]


def forget(session: Any, name: str) -> None:
    """Drop the memory called `name`: the transaction reads again."""
    getattr(session, "sync_session", session).info.pop(name, None)
