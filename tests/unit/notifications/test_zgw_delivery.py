"""Alerts reach ZGW abonnementen through the chain's own deliverer (in-memory bus, SQLite,
FakeClock), at real subscriber endpoints written from the standard's consumer OpenAPI:
next to the webhooks, filtered on kenmerken, retried with the same Authorization value,
and escalated alerts to the fallback's abonnement."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest

from shared.clock import FakeClock
from shared.runtime import build_runtime
from shared.webhooks import IDEMPOTENCY_HEADER
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.support.webhook_receiver import WebhookReceiver
from tests.support.zgw_subscriber import ZgwSubscriber
from tests.support.events import alert_event, publish

BASE = "/notificaties/api/v1"
GGD = "ggd-amsterdam-vangnet"
WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FakeClock(WEDNESDAY)


@pytest.fixture
def subscribers():
    started: list[ZgwSubscriber] = []

    def start() -> ZgwSubscriber:
        started.append(ZgwSubscriber(auth=f"Bearer {secrets.token_hex(16)}"))
        return started[-1]

    yield start
    for subscriber in started:
        subscriber.stop()


def notifications(tmp_path, bus, clock):
    settings = NotificationsSettings(
        environment="development",  # the test notificatie is sent there (the test environment skips it)
        database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db",
        triage_url="https://triage.example",
        public_url="https://meldingen.example",
        retry_first_delay_seconds=10,
        escalation_check_interval_seconds=3600,  # the test calls the check itself
    )
    return create_app(build_runtime(settings, bus=bus, clock=clock))


async def subscribe(client, organisation: str, subscriber: ZgwSubscriber, filters: dict) -> str:
    body = {"callbackUrl": subscriber.url(), "auth": subscriber.auth, "kanalen": [{"naam": "signaalketen-alerts", "filters": filters}]}
    response = await client.post(f"{BASE}/abonnement", json=body, headers=key(organisation))
    assert response.status_code == 201, response.text
    return response.json()["url"].rsplit("/", 1)[-1]


async def alerts_at(subscriber: ZgwSubscriber, count: int = 1) -> list[dict]:
    async def probe():
        found = subscriber.notificaties("signaalketen-alerts")
        return len(found) >= count and found

    return await wait_for(probe, what=f"{count} alert notificatie(s)")


async def test_an_alert_reaches_the_matching_abonnement_and_the_webhook_but_not_a_filtered_one(tmp_path, bus, clock, subscribers):
    amsterdam, utrecht, webhook = subscribers(), subscribers(), WebhookReceiver().start()
    event = alert_event(GGD, clock.now())
    try:
        async with running(notifications(tmp_path, bus, clock)) as client:
            abonnement = await subscribe(client, GGD, amsterdam, {"gemeentecode": "0363", "gebeurtenis": "alert.raised"})
            await subscribe(client, GGD, utrecht, {"gemeentecode": "0344"})
            created = await client.post("/v1/subscriptions", json={"callback_url": webhook.url("/hooks")}, headers=key(GGD))
            webhook.secrets["/hooks"] = created.json()["secret"]
            await publish(bus, event)
            [notificatie] = await alerts_at(amsterdam)
            await wait_for(holds(lambda: webhook.events("/hooks")), what="the CloudEvent at the webhook")
            deliveries = (await client.get("/v1/deliveries", headers=key(GGD))).json()
    finally:
        webhook.stop()
    [request] = [r for r in amsterdam.received if r.notificatie["kanaal"] != "test"]
    assert request.headers["Authorization"] == amsterdam.auth and request.headers["Content-Type"] == "application/json"
    assert request.headers[IDEMPOTENCY_HEADER] == str(event.id)
    assert notificatie["hoofdObject"] == f"https://triage.example/v1/cases/{event.subject}"
    assert notificatie["resourceUrl"] == f"https://meldingen.example/v1/inbox/{event.data.alert_id}"
    assert [r.notificatie["kanaal"] for r in utrecht.requests] == ["test"], "filtered out: only the subscription's test"
    assert [e["id"] for e in webhook.events("/hooks")] == [str(event.id)], "the webhook got its signed CloudEvent as before"
    assert sorted(d["subscription_id"] for d in deliveries) == sorted([abonnement, created.json()["id"]])


async def test_a_subscriber_that_is_down_gets_the_same_notificatie_with_its_auth_value_until_it_answers(tmp_path, bus, clock, subscribers):
    subscriber = subscribers()
    event = alert_event(GGD, clock.now())
    async with running(notifications(tmp_path, bus, clock)) as client:
        await subscribe(client, GGD, subscriber, {})
        subscriber.down = True
        await publish(bus, event)
        await recorded(client, attempts=1)  # the outcome written: its retry is due within 10 s from now
        clock.advance(seconds=10)
        await recorded(client, attempts=2)
        subscriber.down = False
        clock.advance(seconds=20)
        await alerts_at(subscriber)
        delivery = await recorded(client, attempts=3, status="delivered")
    attempts = subscriber.requests[1:]
    assert [a.answered for a in attempts] == [503, 503, 204] and delivery["attempts"] == 3
    assert {a.headers["Authorization"] for a in attempts} == {subscriber.auth}
    assert {a.body for a in attempts} == {attempts[-1].body} and {a.headers[IDEMPOTENCY_HEADER] for a in attempts} == {str(event.id)}


async def recorded(client, *, attempts: int, status: str = "pending") -> dict:
    """The one delivery, once its `attempts`-th outcome is written."""

    async def probe():
        found = (await client.get("/v1/deliveries", headers=key(GGD))).json()
        return [(d["attempts"], d["status"]) for d in found] == [(attempts, status)] and found[0]

    return await wait_for(probe, what=f"{attempts} attempt(s) recorded, {status}")


async def test_an_alert_nobody_acknowledged_reaches_the_fallbacks_abonnement_as_an_update(tmp_path, bus, clock, subscribers):
    team, fallback = subscribers(), subscribers()
    event = alert_event("vroeg-eropaf-amsterdam", clock.now())
    app = notifications(tmp_path, bus, clock)
    async with running(app) as client:
        await subscribe(client, "vroeg-eropaf-amsterdam", team, {})
        await subscribe(client, "ketenregie", fallback, {"gebeurtenis": "alert.escalated"})
        await publish(bus, event)
        [raised] = await alerts_at(team)
        clock.advance(hours=2)  # urgent: one hour
        assert await app.state.escalations.check(clock.now()) == 1
        [escalated] = await alerts_at(fallback)
    assert (raised["actie"], escalated["actie"]) == ("create", "update")
    assert escalated["kenmerken"]["gebeurtenis"] == "alert.escalated"
    assert escalated["resourceUrl"] == raised["resourceUrl"], "the same alert, now in the fallback's inbox too"
    assert len(team.notificaties("signaalketen-alerts")) == 1, "the team is not told of its own escalation"


async def test_a_deleted_abonnement_hears_of_nothing_new(tmp_path, bus, clock, subscribers):
    subscriber = subscribers()
    async with running(notifications(tmp_path, bus, clock)) as client:
        abonnement = await subscribe(client, GGD, subscriber, {})
        assert (await client.delete(f"{BASE}/abonnement/{abonnement}", headers=key(GGD))).status_code == 204
        await publish(bus, alert_event(GGD, clock.now()))
        await wait_for(lambda: _inbox_has_one(client), what="the alert recorded")
        assert (await client.get("/v1/deliveries", headers=key(GGD))).json() == []
    assert [r.notificatie["kanaal"] for r in subscriber.requests] == ["test"]


async def _inbox_has_one(client) -> bool:
    return len((await client.get("/v1/inbox", headers=key(GGD))).json()) == 1


def holds(condition):
    """`condition` as the probe wait_for asks for."""

    async def probe():
        return condition()

    return probe
