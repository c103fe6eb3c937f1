"""Notifications' retention: a delivered delivery goes 30 days after delivery, a dead one 90
days after it was made, an inbox alert 12 months after it was raised; pending deliveries and
subscriptions stay; the deletion log says how many and by which rule."""

from __future__ import annotations

from shared.retention import run_retention
from shared.runtime import build_runtime
from services.notifications.app import create_app, retention_sweeps
from services.notifications.retention import RETENTION_JOB
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.support.events import alert_event, publish
from tests.unit.notifications.support import GGD, PartnerEndpoint, subscribe

OFFICER = key("functionaris-gegevensbescherming")


async def deliveries(client, status: str) -> list[dict]:
    response = await client.get("/v1/deliveries", params={"status": status}, headers=key(GGD))
    assert response.status_code == 200, response.text
    return response.json()


async def test_deliveries_and_inbox_alerts_go_after_their_time_and_the_log_says_so(tmp_path, bus, clock):
    partner = PartnerEndpoint(failures=1)  # the first delivery fails, and one attempt is all it gets
    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", retry_max_attempts=1)
    runtime = build_runtime(settings, bus=bus, clock=clock)
    sweeps = retention_sweeps(settings)

    async def retention() -> int:
        return await run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now())

    async with running(create_app(runtime, transport=partner.transport())) as client:
        await subscribe(client, partner)
        await publish(bus, alert_event(GGD, clock.now()))
        await wait_for(lambda: deliveries(client, "dead"), what="a dead delivery")
        await publish(bus, alert_event(GGD, clock.now()))
        await wait_for(lambda: deliveries(client, "delivered"), what="a delivered delivery")
        assert len((await client.get("/v1/inbox", headers=key(GGD))).json()) == 2

        clock.advance(days=29)
        assert await retention() == 0, "nothing is old enough yet"
        clock.advance(days=2)
        assert await retention() == 1, "the delivered one, 30 days after delivery"
        assert (await deliveries(client, "delivered"), len(await deliveries(client, "dead"))) == ([], 1)
        clock.advance(days=60)
        assert await retention() == 1, "the dead one, 90 days after it was made"
        inbox = (await client.get("/v1/inbox", headers=key(GGD))).json()
        clock.advance(days=275)
        assert await retention() == 2, "both inbox alerts, 12 months after they were raised"
        assert await retention() == 0
        inbox_later = (await client.get("/v1/inbox", headers=key(GGD))).json()
        subscriptions = (await client.get("/v1/subscriptions", headers=key(GGD))).json()
        log = await client.get("/v1/retention/deletions", headers=OFFICER)
        denied = await client.get("/v1/retention/deletions", headers=key(GGD))

    assert len(inbox) == 2 and inbox_later == []
    assert len(subscriptions) == 1, "the subscription is no household data and stays"
    assert denied.status_code == 403
    rule = "delivery_delivered_30_days_dead_90_days"
    assert [(d["job"], d["rule"], d["kind"], d["cases"], d["rows"]) for d in log.json()] == [
        ("notifications-retention", "inbox_alert_12_months", "inbox_alert", 2, 2),
        ("notifications-retention", rule, "delivery", 1, 1),
        ("notifications-retention", rule, "delivery", 1, 1),
    ]
