"""The subscription handshake: the callback URL must echo a challenge before it is stored.

It catches a mistyped URL at once instead of after a day of retries, and keeps
an organisation from pointing the chain's deliveries at an endpoint that never
asked for them. The protocol itself lives in shared.webhooks, next to the
helper partners use to answer it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import httpx

from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, challenge_echoed, new_challenge, sign, verification_request

MAX_ANSWER_BYTES = 4096


class CallbackNotVerified(Exception):
    """The callback URL did not echo the challenge; the message says what happened instead."""


async def verify_callback(
    client: httpx.AsyncClient, url: str, secret: str, subscription_id: UUID, now: datetime, timeout: float
) -> None:
    challenge = new_challenge()
    body = verification_request(challenge, str(subscription_id), now.isoformat())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body),  # wall-clock time: the receiver checks it against its own clock
        IDEMPOTENCY_HEADER: str(subscription_id),
    }
    try:
        async with client.stream("POST", url, content=body, headers=headers, timeout=timeout) as response:
            answer = await _read_at_most(response, MAX_ANSWER_BYTES)
    except httpx.HTTPError as exc:
        raise CallbackNotVerified(f"could not be reached ({type(exc).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise CallbackNotVerified(f"answered the verification request with HTTP {response.status_code}")
    if not challenge_echoed(challenge, answer):
        raise CallbackNotVerified('did not echo the challenge: answer {"challenge": "<the challenge you received>"}')


async def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    """A receiver's answer is tiny; never buffer more than `limit` bytes of whatever it sends."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)[:limit]
