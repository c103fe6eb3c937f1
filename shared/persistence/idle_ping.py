"""A pooled PostgreSQL connection is checked before use only when it sat idle a while.

SQLAlchemy's `pool_pre_ping` checks every connection at every checkout: with asyncpg that
is three round trips (BEGIN, an empty statement, ROLLBACK) before each transaction, most
of them on a connection used a millisecond ago. A restart of the database (or a proxy
that drops idle connections) leaves connections that sat in the pool meanwhile dead, and
those are the ones that were idle: a connection idle for `IDLE_BEFORE_PING` seconds or
more is pinged at checkout; a dead one is replaced before anyone uses it.

What a stale connection that was idle less than that does (a restart shorter than the
threshold): its first statement fails as a disconnect. SQLAlchemy then invalidates every
pooled connection made before that moment, so only that one operation fails, and it is
a transient failure everywhere it can happen: a consumer holds its batch and tries it
again, the relay and the deliverer retry with backoff, a request answers 503.
"""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine

IDLE_BEFORE_PING = 2.0  # seconds; well under any restart of PostgreSQL
_IDLE_SINCE = "idle since"  # key in the connection record's info


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = IDLE_BEFORE_PING) -> None:
    """Ping a connection at checkout when it was checked in `idle_seconds` ago or more."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or used just now
        try:
            dbapi_connection.ping()
        except Exception as error:  # noqa: BLE001 - any failure: the pool replaces it and tries again
            # The pool replaces it, and every connection made before now (a restart killed them all).
            raise InvalidatePoolError(f"pooled connection idle {time.monotonic() - since:.0f}s is dead") from error
