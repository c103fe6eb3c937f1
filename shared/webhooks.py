"""Signed webhook deliveries, and the helper partners use to verify them.

Header `Signaalketen-Signature: t=<unix seconds>,v1=<hex>` where
`v1 = HMAC-SHA256(secret, "<t>.<body>")`. A receiver recomputes it over the raw
body, refuses a timestamp outside the tolerance (replays of old deliveries),
and de-duplicates by the CloudEvent `id` in the signed body (`verified_event`),
because delivery is at-least-once. The `Idempotency-Key` header carries the same
id for convenience, but the signature does not cover headers: whoever can replay
a signed body within the tolerance can put any key there. Never deduplicate on it.

Before a subscription is stored, the chain POSTs a verification request to the
callback URL; the receiver proves it wants the deliveries by echoing the
challenge (`verification_answer`). The request is signed like any delivery, but
the receiver cannot check that yet: it learns the secret from the response to
its subscribe call. Echoing a challenge has no effect, so that is safe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections import OrderedDict

SIGNATURE_HEADER = "Signaalketen-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_SECONDS = 300
VERIFICATION_TYPE = "nl.signaalketen.subscription.verification"


class InvalidSignature(ValueError):
    pass


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str, header: str | None, body: bytes, *, now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> int:
    """Return the signed timestamp, or raise InvalidSignature saying why."""
    if not header:
        raise InvalidSignature("missing signature header")
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidSignature("malformed signature header") from None
    if not hmac.compare_digest(given.encode(), _mac(secret, timestamp, body).encode()):
        raise InvalidSignature("signature does not match the body")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance: a replay or a wrong clock")
    return timestamp


def verified_event(
    secret: str, header: str | None, body: bytes, *, now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> dict:
    """The delivered CloudEvent once its signature and timestamp hold; its `id` is the key to
    deduplicate on. Raises InvalidSignature, also for a signed body that is no CloudEvent."""
    verify(secret, header, body, now=now, tolerance=tolerance)
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidSignature("body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
        raise InvalidSignature("body is not a CloudEvent with an id")
    return event


def verified_events(
    secret: str, header: str | None, body: bytes, *, now: float | None = None, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> list[dict]:
    """The delivered CloudEvents: one (`application/cloudevents+json`) or a batch's array
    (`application/cloudevents-batch+json`), once the signature over the whole body holds.
    Act once per `id` of each. Raises InvalidSignature, also for a body that is neither."""
    verify(secret, header, body, now=now, tolerance=tolerance)
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidSignature("body is not JSON") from None
    events = document if isinstance(document, list) else [document]
    if not all(isinstance(event, dict) and isinstance(event.get("id"), str) and event["id"] for event in events):
        raise InvalidSignature("body is not a CloudEvent, or a batch of them, each with an id")
    return events


class ReplayGuard:
    """Remembers delivered CloudEvent ids (the signed body's `id`) so a receiver acts on each event once."""

    def __init__(self, capacity: int = 100_000):
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True


def new_challenge() -> str:
    return secrets.token_urlsafe(24)


def verification_request(challenge: str, subscription_id: str, time_iso: str) -> bytes:
    """The body the chain POSTs to a callback URL before it subscribes it."""
    return json.dumps(
        {"type": VERIFICATION_TYPE, "id": subscription_id, "time": time_iso, "challenge": challenge}
    ).encode()


def verification_answer(body: bytes) -> bytes | None:
    """For receivers: the response body to send (with status 200) when `body` is a
    verification request, or None when it is an ordinary delivery."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict) or document.get("type") != VERIFICATION_TYPE:
        return None
    challenge = document.get("challenge")
    return json.dumps({"challenge": challenge}).encode() if isinstance(challenge, str) else None


def challenge_echoed(challenge: str, response_body: bytes) -> bool:
    """For the chain: did the receiver answer with exactly this challenge?"""
    try:
        document = json.loads(response_body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    given = document.get("challenge") if isinstance(document, dict) else None
    return isinstance(given, str) and hmac.compare_digest(given.encode(), challenge.encode())


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
