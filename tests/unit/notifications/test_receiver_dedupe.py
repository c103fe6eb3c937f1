"""The test receiver (tests/support/webhook_receiver.py), like the README tells partners, acts once
per CloudEvent id of the signed body: a signed copy sent again under another Idempotency-Key has
no second effect, and two events are two effects whatever their keys say."""

import json
import uuid

import httpx
import pytest

from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/hooks/dedupe"
SECRET = "whsec_test"


@pytest.fixture
def receiver():
    receiver = WebhookReceiver().start()
    receiver.secrets[PATH] = SECRET
    yield receiver
    receiver.stop()


def deliver(receiver: WebhookReceiver, body: bytes, key: str) -> int:
    headers = {SIGNATURE_HEADER: sign(SECRET, body), IDEMPOTENCY_HEADER: key, "Content-Type": "application/cloudevents+json"}
    return httpx.post(receiver.url(PATH), content=body, headers=headers).status_code


def test_the_receiver_dedupes_on_the_signed_body_id_not_on_the_header(receiver):
    first = json.dumps({"id": str(uuid.uuid4()), "type": "nl.signaalketen.alert.raised.v1"}).encode()
    second = json.dumps({"id": str(uuid.uuid4()), "type": "nl.signaalketen.alert.raised.v1"}).encode()
    answers = [
        deliver(receiver, first, "key-1"),
        deliver(receiver, first, "key-2"),  # the same event under a new, unsigned key
        deliver(receiver, second, "key-1"),  # another event under a key already seen
    ]
    assert answers == [204, 204, 204]
    assert [event["id"] for event in receiver.events(PATH)] == [json.loads(first)["id"], json.loads(second)["id"]]
    assert receiver.sends_per_event(PATH) == {json.loads(first)["id"]: 2, json.loads(second)["id"]: 1}
