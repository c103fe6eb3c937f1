"""The ZGW facade's kanaal and abonnement resources, driven as a zaaksysteem configured
for Open Notificaties drives them, against a real subscriber endpoint written from the
standard's consumer OpenAPI (tests/support/zgw_subscriber.py)."""

from __future__ import annotations

import secrets
import uuid

import pytest

from shared.runtime import build_runtime
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from services.notifications.zgw.callback import UNVERIFIED
from tests.support.apps import key, running
from tests.support.processes import free_port
from tests.support.zgw_standard import provider_errors
from tests.support.zgw_subscriber import ZgwSubscriber

BASE = "/notificaties/api/v1"
GGD = "ggd-amsterdam-vangnet"
ALERTS = {"naam": "signaalketen-alerts", "filters": {"gemeentecode": "0363"}}


@pytest.fixture
def subscriber():
    endpoint = ZgwSubscriber(auth=f"Bearer {secrets.token_hex(16)}")
    yield endpoint
    endpoint.stop()


def notifications(tmp_path, bus, clock):
    settings = NotificationsSettings(
        environment="development",  # the test notificatie is sent there (the test environment skips it)
        database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db",
        public_url="https://meldingen.example",
    )
    return create_app(build_runtime(settings, bus=bus, clock=clock))


def abonnement(subscriber: ZgwSubscriber, *kanalen: dict, auth: str | None = None) -> dict:
    return {"callbackUrl": subscriber.url(), "auth": auth or subscriber.auth, "kanalen": list(kanalen or [ALERTS])}


async def test_kanalen_are_listed_as_the_standard_describes_them(tmp_path, bus, clock):
    async with running(notifications(tmp_path, bus, clock)) as client:
        listed = await client.get(f"{BASE}/kanaal", headers=key(GGD))
        one = await client.get(f"{BASE}/kanaal", params={"naam": "signaalketen-placement"}, headers=key(GGD))
        read = await client.get(listed.json()[0]["url"].removeprefix("https://meldingen.example"), headers=key(GGD))
        anonymous = await client.get(f"{BASE}/kanaal")
    assert listed.status_code == 200 and [k["naam"] for k in listed.json()] == ["signaalketen-alerts", "signaalketen-placement"]
    for kanaal in listed.json():
        assert provider_errors("Kanaal", kanaal) == []
        assert kanaal["filters"] == ["casusPseudoniem", "gemeentecode", "gebeurtenis"]
        assert kanaal["url"].startswith("https://meldingen.example/notificaties/api/v1/kanaal/")
    assert [k["naam"] for k in one.json()] == ["signaalketen-placement"]
    assert read.json() == listed.json()[0]
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"


async def test_subscribing_sends_a_test_notificatie_with_the_auth_value_and_never_shows_it_again(tmp_path, bus, clock, subscriber):
    async with running(notifications(tmp_path, bus, clock)) as client:
        created = await client.post(f"{BASE}/abonnement", json=abonnement(subscriber), headers=key(GGD))
        listed = await client.get(f"{BASE}/abonnement", headers=key(GGD))
        read = await client.get(created.headers["location"].removeprefix("https://meldingen.example"), headers=key(GGD))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body == {"url": created.headers["location"], "callbackUrl": subscriber.url(), "kanalen": [ALERTS]}
    assert provider_errors("Abonnement", {**body, "auth": "write-only"}) == []
    assert listed.json() == [body] and read.json() == body, "auth is write-only"

    [probe] = subscriber.received
    assert probe.headers["Authorization"] == subscriber.auth
    assert probe.notificatie["kanaal"] == "test" and probe.notificatie["hoofdObject"] == body["url"]


async def test_a_callback_that_does_not_accept_the_test_notificatie_is_not_subscribed(tmp_path, bus, clock, subscriber):
    async with running(notifications(tmp_path, bus, clock)) as client:
        wrong_auth = await client.post(f"{BASE}/abonnement", json=abonnement(subscriber, auth="Bearer guessed"), headers=key(GGD))
        unreachable = await client.post(
            f"{BASE}/abonnement", json={**abonnement(subscriber), "callbackUrl": f"http://127.0.0.1:{free_port()}/hook"}, headers=key(GGD)
        )
        stored = await client.get(f"{BASE}/abonnement", headers=key(GGD))
    assert [r.answered for r in subscriber.requests] == [401], "the probe carried the auth value it was given"
    for refused in (wrong_auth, unreachable):
        assert refused.status_code == 400 and refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["invalidParams"] == [{"name": "callbackUrl", "code": "invalid-callback-url", "reason": UNVERIFIED}]
        assert provider_errors("ValidatieFout", refused.json()) == []
    assert stored.json() == []


@pytest.mark.parametrize(
    ("kanalen", "name", "code"),
    [
        ([{"naam": "signaalketen-alerts", "filters": {"bsn": "999999990"}}], "kanalen.0.filters.bsn", "filter-unknown"),
        ([ALERTS, {"naam": "zaken"}], "kanalen.1.naam", "kanaal-unknown"),
        ([{"naam": "signaalketen-alerts", "filters": {"gemeentecode": "999999990"}}], "kanalen.0.filters.gemeentecode", "filter-value-invalid"),
        ([{"naam": "signaalketen-alerts", "filters": {"gemeentecode": 363}}], "kanalen.0.filters.gemeentecode", "string_type"),
        ([{"filters": {}}], "kanalen.0.naam", "missing"),
    ],
)
async def test_a_wrong_kanaal_or_filter_is_refused_naming_it_before_anything_is_sent(tmp_path, bus, clock, subscriber, kanalen, name, code):
    async with running(notifications(tmp_path, bus, clock)) as client:
        response = await client.post(f"{BASE}/abonnement", json={**abonnement(subscriber), "kanalen": kanalen}, headers=key(GGD))
    assert response.status_code == 400, response.text
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [(name, code)]
    assert "999999990" not in response.text, "the refusal never repeats what was sent"
    assert subscriber.requests == []


async def test_missing_fields_and_fields_the_standard_does_not_have_are_refused(tmp_path, bus, clock, subscriber):
    async with running(notifications(tmp_path, bus, clock)) as client:
        bare = await client.post(f"{BASE}/abonnement", json={"callbackUrl": subscriber.url()}, headers=key(GGD))
        extra = await client.post(f"{BASE}/abonnement", json={**abonnement(subscriber), "sendCloudevents": True}, headers=key(GGD))
        header = await client.post(f"{BASE}/abonnement", json=abonnement(subscriber, auth="Bearer x\r\nX-Evil: 1"), headers=key(GGD))
        broken = await client.post(f"{BASE}/abonnement", content=b"{not json", headers={**key(GGD), "Content-Type": "application/json"})
    assert {p["name"] for p in bare.json()["invalidParams"]} == {"auth", "kanalen"}
    assert [p["name"] for p in extra.json()["invalidParams"]] == ["sendCloudevents"]
    assert [(p["name"], p["code"]) for p in header.json()["invalidParams"]] == [("auth", "control_character")]
    assert [(p["name"], p["code"]) for p in broken.json()["invalidParams"]] == [("nonFieldErrors", "json_invalid")]
    assert subscriber.requests == []


async def test_another_organisations_abonnement_is_not_there_for_you(tmp_path, bus, clock, subscriber):
    async with running(notifications(tmp_path, bus, clock)) as client:
        url = (await client.post(f"{BASE}/abonnement", json=abonnement(subscriber), headers=key(GGD))).json()["url"]
        path = url.removeprefix("https://meldingen.example")
        missing = f"{BASE}/abonnement/{uuid.uuid4()}"
        for method, body in (("GET", None), ("PUT", abonnement(subscriber)), ("PATCH", {"kanalen": []}), ("DELETE", None)):
            theirs = await client.request(method, path, json=body, headers=key("ggd-utrecht"))
            nothing = await client.request(method, missing, json=body, headers=key(GGD))
            assert theirs.status_code == nothing.status_code == 404, method
            assert {**theirs.json(), "instance": ""} == {**nothing.json(), "instance": ""}, method
        assert (await client.get(f"{BASE}/abonnement", headers=key("ggd-utrecht"))).json() == []
        assert (await client.get(path, headers=key(GGD))).json()["kanalen"] == [ALERTS], "unchanged by the stranger"


async def test_changing_filters_needs_no_new_test_but_a_new_auth_value_does(tmp_path, bus, clock, subscriber):
    placement = {"naam": "signaalketen-placement", "filters": {"gebeurtenis": "placement.offered"}}
    async with running(notifications(tmp_path, bus, clock)) as client:
        path = (await client.post(f"{BASE}/abonnement", json=abonnement(subscriber), headers=key(GGD))).json()["url"]
        path = path.removeprefix("https://meldingen.example")
        patched = await client.patch(path, json={"kanalen": [ALERTS, placement]}, headers=key(GGD))
        assert len(subscriber.requests) == 1 and patched.json()["kanalen"] == [ALERTS, placement]

        refused = await client.patch(path, json={"auth": "Bearer rotated"}, headers=key(GGD))
        assert refused.status_code == 400 and subscriber.requests[-1].headers["Authorization"] == "Bearer rotated"
        subscriber.auth = "Bearer rotated"  # the zaaksysteem now expects the new value
        rotated = await client.patch(path, json={"auth": "Bearer rotated"}, headers=key(GGD))
        replaced = await client.put(path, json=abonnement(subscriber, placement), headers=key(GGD))
        nulled = await client.patch(path, json={"auth": None}, headers=key(GGD))
    assert rotated.status_code == 200 and subscriber.requests[-2].headers["Authorization"] == "Bearer rotated"
    assert replaced.status_code == 200 and replaced.json()["kanalen"] == [placement]
    assert [(p["name"], p["code"]) for p in nulled.json()["invalidParams"]] == [("auth", "null")]


async def test_a_deleted_abonnement_is_gone(tmp_path, bus, clock, subscriber):
    async with running(notifications(tmp_path, bus, clock)) as client:
        path = (await client.post(f"{BASE}/abonnement", json=abonnement(subscriber), headers=key(GGD))).json()["url"]
        path = path.removeprefix("https://meldingen.example")
        deleted = await client.delete(path, headers=key(GGD))
        again = await client.delete(path, headers=key(GGD))
        listed = await client.get(f"{BASE}/abonnement", headers=key(GGD))
    assert (deleted.status_code, again.status_code, listed.json()) == (204, 404, [])


@pytest.mark.parametrize(
    "body,kind",
    [(b"[" * 40 + b"]" * 40, "json_too_deep"), (b'{"callbackUrl": "https://caf\xe9.example"}', "json_not_text")],
    ids=["nested-too-deep", "latin-1"],
)
async def test_a_body_refused_before_parsing_is_a_validatiefout_on_the_facade(tmp_path, bus, clock, body, kind):
    """Found by schemathesis with the hostile strategies: the body guard in front of every
    service answered the facade's clients in the chain's shape, without the standard's `code`."""
    async with running(notifications(tmp_path, bus, clock)) as client:
        facade = await client.post(f"{BASE}/abonnement", content=body, headers={**key(GGD), "content-type": "application/json"})
        chain = await client.post("/v1/subscriptions", content=body, headers={**key(GGD), "content-type": "application/json"})
    assert facade.status_code == 400 and facade.headers["content-type"] == "application/problem+json"
    assert provider_errors("ValidatieFout", facade.json()) == []
    assert facade.json()["invalidParams"] == [{"name": "nonFieldErrors", "code": kind, "reason": facade.json()["invalidParams"][0]["reason"]}]
    assert chain.status_code == 400 and chain.json()["invalid-params"][0]["type"] == kind  # the rest of the chain: its own shape
