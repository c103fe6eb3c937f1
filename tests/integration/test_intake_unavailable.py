"""While the intake's PostgreSQL is away, a partner hears 503 with Retry-After (never a
500), single posts and batches alike; readiness says not ready and the metrics say why.
When the database is back, the same posts are accepted, and nothing staged is lost.

The intake runs in-process (in-memory bus) on real PostgreSQL behind a loopback proxy
that cuts the connection (tests/support/fault_proxy.py)."""

from urllib.parse import urlsplit, urlunsplit

import pytest

from shared.clock import FakeClock
from shared.bus.memory import InMemoryBus
from shared.migrations import runner
from shared.persistence.database import create_engine
from shared.runtime import build_runtime
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import key, running
from tests.support.fault_proxy import FaultProxy
from tests.support.metrics import parse
from tests.support.wait import wait_for
from tests.support.intake import arrears_row

pytestmark = [pytest.mark.postgres]


def behind(proxy: FaultProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"))


@pytest.fixture
async def proxied_database(new_database):
    url = new_database("intake")
    engine = create_engine(url)  # migrated as a deploy does, before the service starts
    await runner.upgrade(engine, "arrears")
    await engine.dispose()
    proxy = FaultProxy(urlsplit(url).port, name="arrears-db").start()
    yield proxy, behind(proxy, url)
    proxy.stop()


async def test_the_intake_answers_503_with_retry_after_while_its_database_is_away(proxied_database):
    proxy, url = proxied_database
    bus = InMemoryBus()
    app = create_app(build_runtime(ArrearsSettings(environment="test", database_url=url), bus=bus, clock=FakeClock()))
    async with running(app) as client:
        before = await client.post("/v1/signals", json=arrears_row(1), headers=key("ymere"))
        assert before.status_code == 202, before.text

        proxy.cut()
        single = await client.post("/v1/signals", json=arrears_row(2), headers=key("ymere") | {"Idempotency-Key": "k-2"})
        batch = await client.post(
            "/v1/signals/batch", json={"signals": [arrears_row(3, "row-3"), arrears_row(4, "row-4")]}, headers=key("ymere")
        )
        for refused in (single, batch):
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"] == "5"
            assert "database not answering" in refused.json()["detail"]

        async def not_ready():
            answer = await client.get("/health/ready")
            return answer.status_code == 503 and answer.json()

        readiness = await wait_for(not_ready, what="readiness to say not ready")
        assert readiness["checks"]["database"] is False and "database" in readiness["away"]
        metrics = parse(await client.get("/metrics"))
        assert metrics.value("signaalketen_outbox_backlog") is None, "no backlog figure while the database is away"
        assert metrics.value("signaalketen_transient_failures_total", dependency="database") >= 2, "both 503s counted"
        assert metrics.value("signaalketen_http_requests_total", method="POST", route="/v1/signals", status_class="5xx") == 1

        proxy.restore()
        again = await client.post("/v1/signals", json=arrears_row(2), headers=key("ymere") | {"Idempotency-Key": "k-2"})
        batch_again = await client.post(
            "/v1/signals/batch", json={"signals": [arrears_row(3, "row-3"), arrears_row(4, "row-4")]}, headers=key("ymere")
        )
        assert again.status_code == 202 and batch_again.status_code == 200
        assert len(batch_again.json()["accepted"]) == 2

        async def ready_and_drained():
            answer = await client.get("/health/ready")
            metrics = parse(await client.get("/metrics"))
            return answer.status_code == 200 and metrics.value("signaalketen_outbox_backlog") == 0 and metrics

        metrics = await wait_for(ready_and_drained, timeout=30, what="ready again, the outbox drained")
    assert metrics.value("signaalketen_holds") == 0 and metrics.total("signaalketen_dead_letters_total") == 0
    assert len(bus.records("signals")) == 4, "the signal before the cut and the three after it, once each"
