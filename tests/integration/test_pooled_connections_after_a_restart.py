"""Pooled connections after PostgreSQL went away and came back (a restart, as a proxy that
drops every connection shows it): a connection that sat idle through it is checked before
use and replaced, so the first transaction afterwards works; none fails for a dead one."""

import asyncio
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from shared.persistence.database import create_engine
from shared.persistence.idle_ping import IDLE_BEFORE_PING
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


async def test_the_first_transaction_after_a_restart_works(new_database):
    direct_url = new_database("restart")
    upstream = urlsplit(direct_url.replace("postgresql+asyncpg", "http"))
    proxy = TcpProxy(upstream.hostname, upstream.port).start()
    engine = create_engine(direct_url.replace(f":{upstream.port}/", f":{proxy.port}/"))
    try:
        async with engine.begin() as connection:
            before = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()
        proxy.cut()  # the server restarts: every open connection is dropped
        proxy.restore()
        await asyncio.sleep(IDLE_BEFORE_PING + 0.2)  # the pooled one sat idle through it
        async with engine.begin() as connection:
            after = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()
        assert after != before, "a new connection, not the dead one"
    finally:
        await engine.dispose()
        proxy.stop()
