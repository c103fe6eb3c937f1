"""Each webhook subscription hears of a case in a numbered stream (CloudEvents `sequence`):
1, 2, 3 per subscription and case, so a receiver tells a missed delivery from an event
it did not subscribe to, and puts deliveries that overtook each other back in order."""

from shared.runtime import build_runtime
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.events import alert_event, publish
from tests.support.wait import wait_for
from tests.unit.notifications.support import GGD, URL, PartnerEndpoint

CASE, OTHER_CASE = "hh-5e9ce00000000001", "hh-5e9ce00000000002"
ESCALATIONS_ONLY = "https://ggd.example/hooks/escalations"


async def subscribe(client, partner, url: str, event_types: list[str]) -> None:
    response = await client.post("/v1/subscriptions", json={"callback_url": url, "event_types": event_types}, headers=key(GGD))
    assert response.status_code == 201, response.text
    partner.secrets[url] = response.json()["secret"]


async def test_sequence_counts_per_subscription_and_case(tmp_path, bus, clock):
    partner = PartnerEndpoint()
    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db")
    app = create_app(build_runtime(settings, bus=bus, clock=clock), transport=partner.transport())
    async with running(app) as client:
        await subscribe(client, partner, URL, ["alert.raised"])
        await subscribe(client, partner, ESCALATIONS_ONLY, ["alert.escalated"])  # hears nothing of these alerts
        await publish(bus, alert_event(GGD, clock.now(), case=CASE), alert_event(GGD, clock.now(), case=OTHER_CASE))
        await publish(bus, alert_event(GGD, clock.now(), case=CASE))
        async def three_delivered():
            return len(partner.effects) >= 3

        await wait_for(three_delivered, what="three deliveries")

    sequences = {(e["subject"], e["sequence"]) for e in partner.effects}
    assert sequences == {(CASE, "0000000001"), (CASE, "0000000002"), (OTHER_CASE, "0000000001")}
    assert {str(r.url) for r in partner.deliveries()} == {URL}
