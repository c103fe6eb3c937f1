"""The deliverer's database goes away while it drains a backlog and comes back: no delivery is
lost, none is sent twice, and it resumes by itself. PostgreSQL sits behind a loopback proxy
that drops every connection and refuses new ones for the outage, as a restart does."""

import asyncio
from urllib.parse import urlsplit

import pytest

from services.notifications import claims
from services.notifications import deliverer as deliverer_module
from tests.support.deliveries import all_delivered, attempts, delivering, runtime_on, seed
from tests.support.tcp_proxy import TcpProxy
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.postgres
PATH = "/hooks/outage"
ALERTS = 30


@pytest.fixture
def receiver():
    receiver = WebhookReceiver(delay=0.3).start()
    yield receiver
    receiver.stop()


@pytest.mark.parametrize("outage_seconds", [5, 60])
async def test_a_database_outage_loses_no_delivery_and_sends_none_twice(new_database, receiver, outage_seconds):
    direct_url = new_database("notifications")
    upstream = urlsplit(direct_url.replace("postgresql+asyncpg", "http"))
    proxy = TcpProxy(upstream.hostname, upstream.port).start()
    proxied_url = direct_url.replace(f":{upstream.port}/", f":{proxy.port}/")
    settings = {"delivery_concurrency": 2, "delivery_timeout_seconds": 5}
    checker, service = runtime_on(direct_url, **settings), runtime_on(proxied_url, **settings)
    sent = await seed(checker, receiver, PATH, ALERTS)
    try:
        async with delivering(service) as [deliverer]:
            await wait_for(lambda: _arrived(receiver, 4), what="the first deliveries under way")
            proxy.cut()
            await wait_for(_true(lambda: deliverer.waiting_for_database), what="the deliverer noticing the outage")
            await wait_for(_true(lambda: deliverer.unrecorded_outcomes > 0), what="a send that finished during the outage")
            arrived_early = len(receiver.received)
            await asyncio.sleep(outage_seconds)
            assert len(receiver.received) <= arrived_early + 2, "nothing new claimed while the database is away"
            proxy.restore()
            found = await wait_for(lambda: all_delivered(checker, ALERTS), timeout=60, what="every delivery delivered")
            assert not deliverer.waiting_for_database and deliverer.unrecorded_outcomes == 0
    finally:
        await checker.engine.dispose()
        proxy.stop()
    sends = receiver.sends_per_event(PATH)
    assert set(sends) == sent, "none lost"
    assert [event for event, times in sends.items() if times > 1] == [], "none sent twice"
    assert attempts(found) == {1: ALERTS}


async def _arrived(receiver: WebhookReceiver, count: int) -> bool:
    return len(receiver.received) >= count


def _true(probe):
    async def wrapped():
        return probe()

    return wrapped



async def test_deliveries_leased_by_a_claim_whose_answer_was_lost_are_sent_without_waiting_out_the_lease(
    new_database, receiver, monkeypatch
):
    """The database ran the claim, then the connection dropped before the answer came back (a
    restart at that moment): the rows it leased are released before the next claim, not held
    for the lease (300 s)."""
    service = runtime_on(new_database("notifications"), delivery_concurrency=2, delivery_timeout_seconds=5)
    sent = await seed(service, receiver, PATH, 6)
    lost: list = []

    async def answer_lost_once(*args, **kwargs):
        answer = await claims.claim(*args, **kwargs)
        if not lost:
            lost.append(answer)
            raise ConnectionResetError("connection was closed in the middle of operation")
        return answer

    monkeypatch.setattr(deliverer_module, "claim", answer_lost_once)
    try:
        async with delivering(service):
            await wait_for(lambda: all_delivered(service, 6), timeout=30, what="every delivery, those of the lost claim too")
    finally:
        await service.engine.dispose()
    assert lost and lost[0][0], "the lost claim had leased deliveries"
    sends = receiver.sends_per_event(PATH)
    assert set(sends) == sent and max(sends.values()) == 1
