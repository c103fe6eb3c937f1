"""A webhook subscriber may take its CloudEvents in batches (application/cloudevents-batch+json):
several alerts arrive in one signed POST, and a failed batch is retried, each event keeping
its own delivery. The receiver is a real HTTP server (tests/support/webhook_receiver.py)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shared.runtime import build_runtime
from shared.webhooks import IDEMPOTENCY_HEADER, InvalidSignature, sign, verified_events
from services.notifications.batching import sendings
from services.notifications.full_batches import BatchWindow, Waiting, full_batches
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.events import alert_event, publish
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver

GGD = "ggd-amsterdam-vangnet"
PATH = "/batches"
WAIT = 5


@pytest.fixture
def receiver():
    started = WebhookReceiver().start()
    yield started
    started.stop()


def notifications(tmp_path, bus, clock, **settings):
    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", retry_first_delay_seconds=10, **settings)
    return create_app(build_runtime(settings, bus=bus, clock=clock))


async def subscribe_batches(client, receiver: WebhookReceiver, max_events: int = 10, max_wait: int = WAIT) -> dict:
    body = {"callback_url": receiver.url(PATH), "delivery_mode": "batch", "batch_max_events": max_events, "batch_max_wait_seconds": max_wait}
    response = await client.post("/v1/subscriptions", json=body, headers=key(GGD))
    assert response.status_code == 201, response.text
    receiver.secrets[PATH] = response.json()["secret"]
    return response.json()


async def deliveries(client, count: int, status: str, attempts: int) -> list[dict]:
    async def probe():
        found = (await client.get("/v1/deliveries", headers=key(GGD))).json()
        settled = [d for d in found if d["status"] == status and d["attempts"] == attempts]
        return len(settled) == count and settled

    return await wait_for(probe, what=f"{count} deliveries {status} after {attempts} attempt(s)")


async def posts(receiver: WebhookReceiver, count: int):
    async def probe():
        found = [r for r in receiver.received if r.path == PATH]
        return len(found) >= count and found

    return await wait_for(probe, what=f"{count} POST(s) at the receiver")


async def test_several_alerts_arrive_in_one_signed_post(tmp_path, bus, clock, receiver):
    alerts = [alert_event(GGD, clock.now()) for _ in range(3)]
    async with running(notifications(tmp_path, bus, clock)) as client:
        subscription = await subscribe_batches(client, receiver)
        await publish(bus, *alerts)
        await deliveries(client, 3, "pending", 0)
        assert receiver.received == [], "a batch waits for others to join it"
        clock.advance(seconds=WAIT)
        [post] = await posts(receiver, 1)
        await deliveries(client, 3, "delivered", 1)
    assert subscription["delivery_mode"] == "batch"
    assert post.headers["Content-Type"] == "application/cloudevents-batch+json"
    assert IDEMPOTENCY_HEADER not in post.headers, "a batch has no id of its own"
    assert post.verified, "the signature covers the whole array"
    assert sorted(e["id"] for e in post.events) == sorted(str(a.id) for a in alerts)
    assert {e["type"] for e in post.events} == {"nl.signaalketen.alert.raised.v1"}
    assert {e["sequence"] for e in post.events} == {"0000000001"}  # three cases, each the first of its stream


async def test_a_failed_batch_is_retried_and_each_event_is_delivered_once(tmp_path, bus, clock, receiver):
    alerts = [alert_event(GGD, clock.now()) for _ in range(3)]
    async with running(notifications(tmp_path, bus, clock)) as client:
        await subscribe_batches(client, receiver)
        receiver.down = True
        await publish(bus, *alerts)
        await deliveries(client, 3, "pending", 0)
        clock.advance(seconds=WAIT)
        failed = await deliveries(client, 3, "pending", 1)  # one failed POST: each of its deliveries failed
        receiver.down = False
        clock.advance(seconds=20)  # past the first retry delay (10 s, with jitter)
        settled = await deliveries(client, 3, "delivered", 2)
    assert {(d["last_status_code"], d["last_error"]) for d in failed} == {(503, "HTTP 503")}
    assert all(r.verified for r in receiver.received)
    assert sorted(e["id"] for e in receiver.events(PATH)) == sorted(str(a.id) for a in alerts)
    assert set(receiver.sends_per_event(PATH).values()) == {1}
    assert len(settled) == 3


async def test_a_batch_that_keeps_failing_is_dead_per_event_and_each_replays(tmp_path, bus, clock, receiver):
    alerts = [alert_event(GGD, clock.now()) for _ in range(2)]
    async with running(notifications(tmp_path, bus, clock, retry_max_attempts=1)) as client:
        await subscribe_batches(client, receiver)
        receiver.down = True
        await publish(bus, *alerts)
        await deliveries(client, 2, "pending", 0)
        clock.advance(seconds=WAIT)
        dead = await deliveries(client, 2, "dead", 1)
        receiver.down = False
        replayed = await client.post(f"/v1/deliveries/{dead[0]['id']}/replay", headers=key(GGD))
        assert replayed.status_code == 200, replayed.text
        await deliveries(client, 1, "delivered", 1)
        [post] = await posts(receiver, 1)
    assert [e["id"] for e in post.events] == [str(dead[0]["event_id"])], "only the replayed event is sent again"
    assert post.headers["Content-Type"] == "application/cloudevents-batch+json" and post.verified


async def test_a_full_batch_goes_at_once_without_waiting_for_its_wait(tmp_path, bus, clock, receiver):
    first, second = [alert_event(GGD, clock.now()) for _ in range(2)], [alert_event(GGD, clock.now()) for _ in range(2)]
    async with running(notifications(tmp_path, bus, clock)) as client:
        await subscribe_batches(client, receiver, max_events=3, max_wait=60)
        await publish(bus, *first)
        await deliveries(client, 2, "pending", 0)
        assert receiver.received == [], "two of three: they wait for a third"
        clock.advance(seconds=1)  # the first two are the oldest (made at one moment, their order among equals is free)
        await publish(bus, *second)  # the third makes a full batch; the fourth starts the next one
        [post] = await posts(receiver, 1)  # one second passed: nobody waited the 60 s
        await deliveries(client, 3, "delivered", 1)
        [waiting] = await deliveries(client, 1, "pending", 0)
        clock.advance(seconds=60)
        [_, last] = await posts(receiver, 2)
    assert post.verified and post.headers["Content-Type"] == "application/cloudevents-batch+json"
    sent_first = {e["id"] for e in post.events}
    assert len(sent_first) == 3 and {str(a.id) for a in first} < sent_first, "the two that waited, and one that joined them"
    assert [e["id"] for e in last.events] == [str(waiting["event_id"])]
    assert sent_first | {str(waiting["event_id"])} == {str(a.id) for a in [*first, *second]}


def test_only_deliveries_waiting_their_window_make_a_full_batch_oldest_first():
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    window = BatchWindow(max_events=2, max_wait_seconds=5)

    def waiting(name: str, made: float) -> Waiting:
        return Waiting(name, now + timedelta(seconds=made), now + timedelta(seconds=made + 5))

    leased = Waiting("leased", now, now + timedelta(seconds=300))  # claimed and being sent: not touched
    retry = Waiting("retry", now, now + timedelta(seconds=63))  # a retry waits its backoff
    pending = [waiting("c", 2), leased, waiting("a", 0), retry, waiting("b", 1)]
    assert [w.id for w in full_batches(pending, window)] == ["a", "b"], "whole batches, oldest first; c waits"
    assert full_batches([waiting("a", 0), leased, retry], window) == []


def test_one_request_per_single_delivery_and_per_batch_of_at_most_its_size():
    @dataclass(frozen=True)
    class Due:
        name: str
        batch_key: str | None
        batch_max_events: int = 2

    claimed = [Due("a1", "A"), Due("s1", None), Due("a2", "A"), Due("b1", "B"), Due("a3", "A"), Due("s2", None)]
    assert [[d.name for d in unit] for unit in sendings(claimed)] == [["a1", "a2"], ["s1"], ["b1"], ["a3"], ["s2"]]


def test_a_receiver_verifies_a_batch_as_a_whole():
    body = json.dumps([{"id": "e1", "type": "t"}, {"id": "e2", "type": "t"}]).encode()
    assert [e["id"] for e in verified_events("whsec_x", sign("whsec_x", body), body)] == ["e1", "e2"]
    with pytest.raises(InvalidSignature, match="does not match"):
        verified_events("whsec_x", sign("whsec_x", body), body.replace(b"e2", b"e3"))
    no_id = json.dumps([{"id": "e1"}, {"type": "t"}]).encode()
    with pytest.raises(InvalidSignature, match="each with an id"):
        verified_events("whsec_x", sign("whsec_x", no_id), no_id)
