"""A delivery is never sent twice while the first send is in flight: not by one deliverer with
a backlog at a slow receiver, and not by two instances of the service on one PostgreSQL database.

The receiver is a real HTTP server that takes its time; every request it gets is counted
per CloudEvent id, acted on or not.
"""

import pytest

from tests.support.deliveries import all_delivered, attempts, delivering, runtime_on, seed
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/hooks/slow"


@pytest.fixture
def slow_receiver():
    receiver = WebhookReceiver(delay=0.5).start()
    yield receiver
    receiver.stop()


async def test_a_backlog_at_a_slow_receiver_is_sent_once_per_delivery(tmp_path, slow_receiver):
    """The issue's case scaled down: 2 slots, 0.5 s per request, 20 alerts take 5 s to drain,
    twice the lease; a delivery waiting for a slot must not be claimed (and its lease run) yet."""
    runtime = runtime_on(
        f"sqlite+aiosqlite:///{tmp_path}/n.db", delivery_concurrency=2, delivery_timeout_seconds=2, delivery_lease_seconds=2.5
    )
    sent = await seed(runtime, slow_receiver, PATH, 20)
    async with delivering(runtime):
        found = await wait_for(lambda: all_delivered(runtime, 20), timeout=30, what="20 deliveries delivered")
    sends = slow_receiver.sends_per_event(PATH)
    assert set(sends) == sent
    assert [event for event, times in sends.items() if times > 1] == [], "sent twice"
    assert attempts(found) == {1: 20}


@pytest.mark.postgres
async def test_two_instances_on_one_postgresql_database_send_each_delivery_once(new_database, slow_receiver):
    """Two deliverers (each its own engine and pool, as two processes have) claim from one
    backlog at once; the claim's row locks and lease keep every delivery with one of them."""
    url = new_database("notifications")
    slow_receiver.delay = 0.2
    settings = {"delivery_concurrency": 3, "delivery_timeout_seconds": 2, "delivery_lease_seconds": 2.5}
    first, second = runtime_on(url, **settings), runtime_on(url, **settings)
    sent = await seed(first, slow_receiver, PATH, 60)
    async with delivering(first, second) as deliverers:
        found = await wait_for(lambda: all_delivered(first, 60), timeout=30, what="60 deliveries delivered")
    sends = slow_receiver.sends_per_event(PATH)
    assert set(sends) == sent
    assert [event for event, times in sends.items() if times > 1] == [], "sent twice"
    assert attempts(found) == {1: 60}
    assert all(deliverer.sent > 0 for deliverer in deliverers), "both instances took part"
