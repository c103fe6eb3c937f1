"""Subscribing: the callback URL must echo a signed challenge, or nothing is stored."""

import json

import httpx
import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from shared.webhooks import SIGNATURE_HEADER, VERIFICATION_TYPE, verify
from services.notifications.app import USER_AGENT, create_app
from services.notifications.settings import NotificationsSettings
from services.notifications.verification import UNVERIFIED
from tests.support.apps import key, running
from tests.unit.notifications.support import PartnerEndpoint

CALLBACK = "https://partner.example/webhooks/signaalketen"


def notifications(tmp_path, transport, **settings):
    """As deployed for development (the handshake is required there; the test environment skips it)."""
    settings = NotificationsSettings(**{"environment": "development", "database_url": f"sqlite+aiosqlite:///{tmp_path}/n.db", **settings})
    return create_app(build_runtime(settings, bus=InMemoryBus(), clock=FakeClock()), transport=transport)


async def subscribe(client, url=CALLBACK):
    return await client.post(
        "/v1/subscriptions", json={"callback_url": url, "event_types": ["alert.raised"]}, headers=key("ggd-utrecht")
    )


async def stored(client) -> list[dict]:
    return (await client.get("/v1/subscriptions", headers=key("ggd-utrecht"))).json()


async def test_a_callback_that_echoes_the_challenge_is_subscribed_and_the_request_was_signed(tmp_path):
    partner = PartnerEndpoint()
    async with running(notifications(tmp_path, partner.transport())) as client:
        response = await subscribe(client)
        assert response.status_code == 201, response.text
        assert [s["id"] for s in await stored(client)] == [response.json()["id"]]
    [request] = partner.requests
    body = json.loads(request.content)
    assert body["type"] == VERIFICATION_TYPE and body["id"] == response.json()["id"] and len(body["challenge"]) >= 24
    # Signed with the secret the subscriber gets back, so it can check the request afterwards.
    verify(response.json()["secret"], request.headers[SIGNATURE_HEADER], request.content)
    assert request.headers["User-Agent"] == USER_AGENT


def _refuse(request):
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("transport", "logged"),
    [
        (PartnerEndpoint(challenge_answer="something else").transport(), "did not echo the challenge"),
        (PartnerEndpoint(challenge_status=404).transport(), "HTTP 404"),
        # The shared e2e receiver of old: accepts deliveries but knows nothing of challenges.
        (httpx.MockTransport(lambda request: httpx.Response(204)), "did not echo the challenge"),
        (httpx.MockTransport(_refuse), "could not be reached (ConnectError"),
    ],
    ids=["wrong challenge", "404", "204 without echo", "unreachable"],
)
async def test_a_callback_that_does_not_echo_gets_the_one_422_naming_callback_url_and_nothing_is_stored(
    tmp_path, transport, logged, caplog
):
    async with running(notifications(tmp_path, transport)) as client:
        response = await subscribe(client)
        assert response.status_code == 422
        assert response.json()["invalid-params"] == [
            {"name": "callback_url", "reason": UNVERIFIED, "loc": ["body", "callback_url"], "type": "callback_not_verified"}
        ], "one answer whatever failed"
        assert await stored(client) == []
    assert logged in caplog.text, "the reason is in the service log"


async def test_with_the_handshake_switched_off_nothing_is_sent_before_subscribing(tmp_path):
    partner = PartnerEndpoint()
    async with running(notifications(tmp_path, partner.transport(), verify_subscriptions=False)) as client:
        assert (await subscribe(client)).status_code == 201
    assert partner.requests == []


def test_the_handshake_is_on_by_default_and_off_by_default_only_in_the_test_environment():
    assert NotificationsSettings(environment="development").handshake_required
    assert not NotificationsSettings(environment="test").handshake_required
    assert NotificationsSettings(environment="test", verify_subscriptions=True).handshake_required
