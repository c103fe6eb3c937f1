"""Checking a callback URL before it is stored: its address, and the handshake.

The address check (services.notifications.pinned_transport) refuses, in production,
what the chain may not send to. The handshake then asks the URL to echo a challenge:
it catches a mistyped URL at once instead of after a day of retries, and keeps an
organisation from pointing the chain's deliveries at an endpoint that never asked for
them. The protocol itself lives in shared.webhooks, next to the helper partners use.

Whatever fails, the subscriber gets one answer (`UNVERIFIED`): telling a closed port
from a database from a web server would make the subscribe call a port scanner. The
reason goes to the service log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import httpx

from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, challenge_echoed, new_challenge, sign, verification_request
from services.notifications.pinned_transport import PinnedTransport

MAX_ANSWER_BYTES = 4096
UNVERIFIED = (
    "callback URL could not be verified: it must answer the signed verification request in time "
    "with a 2xx status and the challenge echoed"
)


class CallbackNotVerified(Exception):
    """The callback did not pass; the message says why, for the service log only."""


@dataclass(frozen=True)
class CallbackVerifier:
    client: httpx.AsyncClient  # sends through `guard`
    guard: PinnedTransport
    handshake: bool
    timeout: float

    def url_problem(self, url: str) -> str | None:
        """What is wrong with the URL as written (https in production, length); safe to tell."""
        return self.guard.policy.url_problem(url)

    async def verify(self, url: str, secret: str, subscription_id: UUID, now: datetime) -> None:
        """Raise CallbackNotVerified unless the chain may send to `url` (and, with the handshake, it echoed)."""
        await self.probe(url, lambda: _handshake(self.client, url, secret, subscription_id, now, self.timeout))

    async def probe(self, url: str, handshake: Callable[[], Awaitable[None]]) -> None:
        """Raise CallbackNotVerified unless the chain may send to `url` and, when handshakes are on,
        `handshake` (which sends through `client`) passes. A ZGW abonnement's test notification
        is such a handshake too (services.notifications.zgw.callback)."""
        try:
            if not self.handshake:
                await self.guard.check(httpx.URL(url), self.timeout)
                return
            await handshake()
        except CallbackNotVerified:
            raise
        except httpx.HTTPError as exc:
            raise CallbackNotVerified(f"could not be reached ({type(exc).__name__}: {exc})") from None
        except Exception as exc:  # noqa: BLE001 - whatever a probed endpoint does, the subscriber's answer is the same
            raise CallbackNotVerified(f"failed ({type(exc).__name__}: {exc})") from None


async def _handshake(
    client: httpx.AsyncClient, url: str, secret: str, subscription_id: UUID, now: datetime, timeout: float
) -> None:
    challenge = new_challenge()
    body = verification_request(challenge, str(subscription_id), now.isoformat())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body),  # wall-clock time: the receiver checks it against its own clock
        IDEMPOTENCY_HEADER: str(subscription_id),
    }
    async with client.stream("POST", url, content=body, headers=headers, timeout=timeout) as response:
        answer = await read_at_most(response, MAX_ANSWER_BYTES)
    if not 200 <= response.status_code < 300:
        raise CallbackNotVerified(f"answered the verification request with HTTP {response.status_code}")
    if not challenge_echoed(challenge, answer):
        raise CallbackNotVerified("did not echo the challenge")


async def read_at_most(response: httpx.Response, limit: int) -> bytes:
    """A receiver's answer is tiny; never buffer more than `limit` bytes of whatever it sends."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)[:limit]
