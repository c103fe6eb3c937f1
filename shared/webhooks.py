"""Signed webhook deliveries, and the helper partners use to verify them.

Header `Signaalketen-Signature: t=<unix seconds>,v1=<hex>` where
`v1 = HMAC-SHA256(secret, "<t>.<body>")`. A receiver recomputes it over the raw
body, refuses a timestamp outside the tolerance (replays of old deliveries),
and de-duplicates by the CloudEvent id (`Idempotency-Key` header), because
delivery is at-least-once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict

SIGNATURE_HEADER = "Signaalketen-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_SECONDS = 300


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
    if not hmac.compare_digest(given, _mac(secret, timestamp, body)):
        raise InvalidSignature("signature does not match the body")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance: a replay or a wrong clock")
    return timestamp


class ReplayGuard:
    """Remembers delivered CloudEvent ids so a receiver acts on each event once."""

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


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
