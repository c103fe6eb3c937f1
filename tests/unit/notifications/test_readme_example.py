"""The receiver example in services/notifications/README.md, run as written against the service:
it passes the handshake, acts once per CloudEvent id of the signed body (whatever the unsigned
Idempotency-Key header says), and refuses tampered and replayed copies."""

import re
import time

import httpx

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from shared.settings import REPO_ROOT
from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.unit.notifications.support import alert_event, publish

URL = "https://partner.example/hooks/signaalketen"


def readme_example(act_on) -> dict:
    text = (REPO_ROOT / "services" / "notifications" / "README.md").read_text()
    [code] = [block for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "def handle" in block]
    namespace = {"act_on": act_on}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


async def test_the_readme_receiver_subscribes_acts_once_and_refuses_tampered_and_replayed_copies(tmp_path):
    effects: list[dict] = []
    example = readme_example(effects.append)
    seen_requests: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        seen_requests.append(request)
        status, body = example["handle"](request.headers, request.content)
        return httpx.Response(status, content=body)

    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db", verify_subscriptions=True)
    clock, bus = FakeClock(), InMemoryBus()
    app = create_app(build_runtime(settings, bus=bus, clock=clock), transport=httpx.MockTransport(endpoint))
    event = alert_event("ggd-utrecht", clock.now())
    async with running(app) as client:
        subscribed = await client.post("/v1/subscriptions", json={"callback_url": URL}, headers=key("ggd-utrecht"))
        assert subscribed.status_code == 201, subscribed.text
        example["SECRET"] = secret = subscribed.json()["secret"]
        await publish(bus, event)

        async def delivered():
            return (await client.get("/v1/deliveries", params={"status": "delivered"}, headers=key("ggd-utrecht"))).json()

        await wait_for(delivered, what="delivery accepted by the README receiver")
    delivery = seen_requests[-1]
    assert [e["id"] for e in effects] == [str(event.id)]

    handle, body, headers = example["handle"], delivery.content, delivery.headers
    assert handle(headers, body)[0] == 204 and len(effects) == 1, "the same event again: answered, not acted on"
    rekeyed = httpx.Headers(headers)
    rekeyed[IDEMPOTENCY_HEADER] = "a-key-never-seen"  # the header is not signed: anyone can change it
    assert handle(rekeyed, body)[0] == 204 and len(effects) == 1, "deduplicated on the signed body's id, not the header"
    del rekeyed[IDEMPOTENCY_HEADER]
    assert handle(rekeyed, body)[0] == 204 and len(effects) == 1
    tampered = body.replace(b'"persons":3', b'"persons":4')
    assert tampered != body and handle(headers, tampered)[0] == 401
    old = {SIGNATURE_HEADER: sign(secret, body, int(time.time()) - 600), IDEMPOTENCY_HEADER: "another-id"}
    assert handle(old, body)[0] == 401 and len(effects) == 1
