"""A real delivery from the deliverer, checked with the helper partners get (shared.webhooks):
it verifies as sent, and is refused when tampered with or replayed later."""

import json

import pytest

from shared.webhooks import DEFAULT_TOLERANCE_SECONDS, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, InvalidSignature, verify
from services.notifications.app import USER_AGENT
from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.unit.notifications.support import GGD, PartnerEndpoint, notifications, requests_made, subscribe
from tests.support.events import alert_event, publish


async def test_a_delivery_verifies_and_a_tampered_or_replayed_copy_is_refused(tmp_path, bus, clock):
    partner = PartnerEndpoint()
    event = alert_event(GGD, clock.now())
    async with running(notifications(tmp_path, bus, clock, partner)) as client:
        secret = (await subscribe(client, partner))["secret"]
        await publish(bus, event)
        [request] = await requests_made(partner, 1)
    header, body = request.headers[SIGNATURE_HEADER], request.content
    assert request.headers[IDEMPOTENCY_HEADER] == str(event.id)
    assert request.headers["User-Agent"] == USER_AGENT  # the sender names itself
    assert partner.effects == [json.loads(body)]

    signed_at = verify(secret, header, body)
    tampered = body.replace(b'"minors":1', b'"minors":0')
    assert tampered != body
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(secret, header, tampered)
    with pytest.raises(InvalidSignature, match="replay"):
        verify(secret, header, body, now=signed_at + DEFAULT_TOLERANCE_SECONDS + 1)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("whsec_someone-elses-secret", header, body)


async def test_a_retried_delivery_has_one_effect_at_a_receiver_that_dedupes(tmp_path, bus, clock):
    partner = PartnerEndpoint(failures=2)  # acts, then fails to answer in time, twice
    event = alert_event(GGD, clock.now())
    async with running(notifications(tmp_path, bus, clock, partner, retry_first_delay_seconds=10)) as client:
        await subscribe(client, partner)
        await publish(bus, event)
        await requests_made(partner, 1)
        clock.advance(seconds=10)
        await requests_made(partner, 2)
        clock.advance(seconds=20)
        attempts = await requests_made(partner, 3)

        async def delivered():
            [delivery] = (await client.get("/v1/deliveries", headers=key(GGD))).json()
            return delivery["status"] == "delivered" and delivery

        delivery = await wait_for(delivered, what="delivered status")
    assert {r.headers[IDEMPOTENCY_HEADER] for r in attempts} == {str(event.id)}
    assert len(partner.effects) == 1 and delivery["attempts"] == 3


async def test_after_the_last_attempt_a_delivery_is_dead_listed_and_replayable(tmp_path, bus, clock):
    partner = PartnerEndpoint(failures=10**6)
    event = alert_event(GGD, clock.now())
    app = notifications(tmp_path, bus, clock, partner, retry_first_delay_seconds=10, retry_max_attempts=2)
    async with running(app) as client:
        await subscribe(client, partner)
        await publish(bus, event)
        await requests_made(partner, 1)
        clock.advance(seconds=10)
        await requests_made(partner, 2)

        async def dead():
            return (await client.get("/v1/deliveries", params={"status": "dead"}, headers=key(GGD))).json()

        [listed] = await wait_for(dead, what="dead-lettered delivery")
        assert (await client.post(f"/v1/deliveries/{listed['id']}/replay", headers=key("ggd-utrecht"))).status_code == 404

        partner.failures = 0
        replayed = await client.post(f"/v1/deliveries/{listed['id']}/replay", headers=key(GGD))
        assert replayed.status_code == 200, replayed.text
        await requests_made(partner, 3)

        async def delivered():
            return [d for d in (await client.get("/v1/deliveries", headers=key(GGD))).json() if d["status"] == "delivered"]

        [delivery] = await wait_for(delivered, what="delivered after replay")
    assert listed["event_id"] == str(event.id) and listed["attempts"] == 2 and listed["last_status_code"] == 503
    assert delivery["id"] == listed["id"] and len(partner.effects) == 1
