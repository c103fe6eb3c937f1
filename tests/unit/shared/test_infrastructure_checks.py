"""The infrastructure checks behind the kafka/postgres fixtures report an absent server
(the fixtures then fail the test, never skip it)."""

import socket

from tests.conftest import _kafka_problem, _postgres_problem


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_absent_kafka_is_reported():
    assert await _kafka_problem(f"127.0.0.1:{closed_port()}") is not None


async def test_an_absent_postgres_is_reported():
    assert await _postgres_problem(f"postgresql://signal:signal@127.0.0.1:{closed_port()}/postgres") is not None
