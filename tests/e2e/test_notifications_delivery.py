"""Webhook delivery end to end, to a partner's receiver written with the helper partners get
(shared.webhooks): the subscription handshake, a receiver that is down for a while, tampered
and replayed copies, and a dead delivery replayed after the receiver recovered.

The handshake is on here (as in production), so this module subscribes its own receiver,
which answers challenges, instead of the shared one in tests/support.
"""

from __future__ import annotations

import json
import random
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from shared.contracts import event_types
from shared.webhooks import (
    DEFAULT_TOLERANCE_SECONDS,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    InvalidSignature,
    ReplayGuard,
    verification_answer,
    verified_event,
    verify,
)
from services.notifications.verification import UNVERIFIED
from tests.support.processes import free_port
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

CHAIN_ENV = {
    "NOTIFICATIONS_VERIFY_SUBSCRIPTIONS": "true",
    "NOTIFICATIONS_RETRY_MAX_ATTEMPTS": "6",  # a tiny budget: dead within seconds
    "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.3",
    "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": "1",
}
GGD = "ggd-amsterdam-vangnet"


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class PartnerReceiver:
    """A partner's webhook endpoint as README.md tells partners to write one: answer the
    challenge, verify the signature, act once per CloudEvent id of the signed body, then say 2xx.

    `down` answers 503 without acting; `lose_answers` acts and then answers 503 (the
    answer lost on the way back), so the chain retries what was already done;
    without `echo_challenges` it is an endpoint that never asked for deliveries."""

    def __init__(self, *, echo_challenges: bool = True):
        self.echo_challenges = echo_challenges
        self.secret: str | None = None
        self.down = False
        self.lose_answers = 0
        self.requests: list[Request] = []
        self.effects: list[dict] = []
        self._guard = ReplayGuard()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/signaalketen"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = receiver.answer(dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                return

        return Handler

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            status, answer = self._decide(headers, body)
            self.requests.append(Request(headers, body, status))
            return status, answer

    def _decide(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        challenge_answer = verification_answer(body)
        if challenge_answer is not None and self.echo_challenges:
            return 200, challenge_answer
        if self.down:
            return 503, b"{}"
        try:
            event = verified_event(self.secret or "", headers.get(SIGNATURE_HEADER), body)
        except InvalidSignature as problem:
            return 401, json.dumps({"error": str(problem)}).encode()
        if self._guard.first_time(event["id"]):
            self.effects.append(event)
        if self.lose_answers:
            self.lose_answers -= 1
            return 503, b"{}"
        return 204, b""

    def deliveries_of(self, signal_id: str) -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.requests
                if verification_answer(r.body) is None and r.event.get("data", {}).get("signal_id") == signal_id
            ]

    def effects_of(self, signal_id: str) -> list[dict]:
        with self._lock:
            return [e for e in self.effects if e["data"].get("signal_id") == signal_id]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def partner():
    receiver = PartnerReceiver()
    yield receiver
    receiver.stop()


@contextmanager
def subscribed(chain, organisation: str, partner: PartnerReceiver, event_types_wanted: list[str]):
    """Subscribe `partner` for the test's duration, so later tests' alerts do not reach it."""
    with chain.client("notifications", organisation) as client:
        response = client.post("/v1/subscriptions", json={"callback_url": partner.url, "event_types": event_types_wanted})
        assert response.status_code == 201, response.text
        partner.secret = response.json()["secret"]
        try:
            yield response.json()
        finally:
            client.delete(f"/v1/subscriptions/{response.json()['id']}")


def unregistered_dwelling() -> str:
    """A dwelling of its own per alert (nobody registered there), so no two signals are repeats of one case."""
    return f"03630188{random.randrange(10**8):08d}"


def family_found(chain) -> str:
    """Police report a family at an eviction: triage always alerts GGD urgently."""
    found = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": unregistered_dwelling()},
        "observed_on": "2026-11-28",
        "adults": 1,
        "children_ages": [4],
    }
    with chain.client("arrears", "politie-amsterdam") as police:
        posted = police.post("/v1/signals", json=found)
    assert posted.status_code == 202, posted.text
    return posted.json()["id"]


def deliveries(chain, organisation: str, **params) -> list[dict]:
    with chain.client("notifications", organisation) as client:
        response = client.get("/v1/deliveries", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def stranger():
    receiver = PartnerReceiver(echo_challenges=False)
    yield receiver
    receiver.stop()


def test_only_a_callback_that_echoes_the_challenge_is_subscribed(chain, partner, stranger):
    refused_port = free_port()
    with chain.client("notifications", "ggd-utrecht") as client:
        accepted = client.post("/v1/subscriptions", json={"callback_url": partner.url})
        no_echo = client.post("/v1/subscriptions", json={"callback_url": stranger.url})
        unreachable = client.post("/v1/subscriptions", json={"callback_url": f"http://127.0.0.1:{refused_port}/hooks"})
        stored = client.get("/v1/subscriptions").json()
    assert accepted.status_code == 201, accepted.text
    for refused in (no_echo, unreachable):
        assert refused.status_code == 422, refused.text
        assert refused.json()["invalid-params"] == [
            {"name": "callback_url", "reason": UNVERIFIED, "loc": ["body", "callback_url"], "type": "callback_not_verified"}
        ], "one answer: a web server that refused is not told from a closed port"
    log = chain.processes["notifications"].log_text()
    assert "HTTP 401" in log and "could not be reached" in log, "the reasons are in the service log"
    assert [s["id"] for s in stored] == [accepted.json()["id"]], "nothing stored for the refused ones"

    [handshake] = partner.requests
    verify(accepted.json()["secret"], handshake.headers[SIGNATURE_HEADER], handshake.body)  # signed, checkable afterwards


def test_a_receiver_down_for_a_while_gets_the_alert_after_it_comes_back_and_acts_once(chain, partner):
    partner.down = True
    partner.lose_answers = 1  # once back, its first answer is lost: the chain sends again
    with subscribed(chain, GGD, partner, ["alert.raised"]):
        signal_id = family_found(chain)
        eventually(lambda: len(partner.deliveries_of(signal_id)) >= 2, what="two refused attempts while down")
        partner.down = False
        event_id = eventually(lambda: partner.effects_of(signal_id), what="the alert after the receiver came back")[0]["id"]

        def delivered():
            found = [d for d in deliveries(chain, GGD, status="delivered") if d["event_id"] == event_id]
            return found and found[0]

        delivery = eventually(delivered, what="delivered status")

    attempts = partner.deliveries_of(signal_id)
    answers = [a.answered for a in attempts]
    assert answers[:2] == [503, 503] and answers[-2:] == [503, 204], answers
    assert delivery["attempts"] == len(attempts)
    assert {a.headers[IDEMPOTENCY_HEADER] for a in attempts} == {event_id}, "one key: the CloudEvent id"
    [effect] = partner.effects_of(signal_id)
    assert effect["type"] == event_types.ALERT_RAISED and effect["data"]["recipient"] == GGD


def test_a_tampered_or_replayed_delivery_is_refused_at_the_receiver(chain, partner):
    with subscribed(chain, GGD, partner, ["alert.raised"]):
        signal_id = family_found(chain)
        [original] = eventually(lambda: partner.deliveries_of(signal_id), what="the alert")
    assert original.answered == 204

    tampered = original.body.replace(b'"children_ages"', b'"children_ages_"').replace(b'"minors":1', b'"minors":0')
    assert tampered != original.body
    with httpx.Client() as client:
        resent = client.post(partner.url, content=original.body, headers=_signed_headers(original))
        rekeyed = client.post(partner.url, content=original.body, headers={**_signed_headers(original), IDEMPOTENCY_HEADER: "new"})
        forged = client.post(partner.url, content=tampered, headers=_signed_headers(original))
    assert resent.status_code == 204 and len(partner.effects_of(signal_id)) == 1, "a resent copy has no second effect"
    assert rekeyed.status_code == 204 and len(partner.effects_of(signal_id)) == 1, "the unsigned header is not the key"
    assert forged.status_code == 401 and "does not match" in forged.json()["error"]

    signed_at = verify(partner.secret, original.headers[SIGNATURE_HEADER], original.body)
    with pytest.raises(InvalidSignature, match="replay"):
        verify(partner.secret, original.headers[SIGNATURE_HEADER], original.body, now=signed_at + DEFAULT_TOLERANCE_SECONDS + 1)


def test_a_dead_delivery_is_listed_and_a_replay_delivers_it_after_the_receiver_recovered(chain, partner):
    partner.down = True
    with subscribed(chain, GGD, partner, ["alert.raised"]):
        signal_id = family_found(chain)
        event_id = eventually(lambda: partner.deliveries_of(signal_id), what="a first attempt")[0].event["id"]

        def dead():
            found = [d for d in deliveries(chain, GGD, status="dead") if d["event_id"] == event_id]
            return found and found[0]

        listed = eventually(dead, what="the delivery dead-lettered after the last attempt")
        assert listed["attempts"] == int(CHAIN_ENV["NOTIFICATIONS_RETRY_MAX_ATTEMPTS"]) == len(partner.deliveries_of(signal_id))
        assert listed["last_status_code"] == 503 and partner.effects_of(signal_id) == []

        partner.down = False
        with chain.client("notifications", "ggd-utrecht") as stranger:
            assert stranger.post(f"/v1/deliveries/{listed['id']}/replay").status_code == 404
        with chain.client("notifications", GGD) as ggd:
            replayed = ggd.post(f"/v1/deliveries/{listed['id']}/replay")
        assert replayed.status_code == 200, replayed.text

        [effect] = eventually(lambda: partner.effects_of(signal_id), what="the replayed delivery")
        eventually(
            lambda: any(d["id"] == listed["id"] for d in deliveries(chain, GGD, status="delivered")),
            what="delivered status after the replay",
        )
    assert effect["id"] == event_id
    assert all(d["id"] != listed["id"] for d in deliveries(chain, GGD, status="dead"))


def _signed_headers(request: Request) -> dict[str, str]:
    return {
        "Content-Type": "application/cloudevents+json",
        SIGNATURE_HEADER: request.headers[SIGNATURE_HEADER],
        IDEMPOTENCY_HEADER: request.headers[IDEMPOTENCY_HEADER],
    }
