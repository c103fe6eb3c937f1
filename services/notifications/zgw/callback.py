"""The test notification a callback must accept before an abonnement is stored or its
callbackUrl or auth changed, as Open Notificaties does: a notificatie POSTed to the
callbackUrl with the abonnement's `auth` value as `Authorization` header, answered 2xx.

It goes through the chain's callback checks (services.notifications.verification): an
address the chain may not send to is refused before anything is sent, and whatever
fails, the subscriber gets one answer (`UNVERIFIED`) while the reason goes to the log.
With `NOTIFICATIONS_VERIFY_SUBSCRIPTIONS` off, only the address is checked.

The test notificatie is one any consumer can validate: kanaal `test` (Open
Notificaties' own), resource `abonnement`, actie `create`, and as hoofdObject and
resourceUrl the abonnement's URL at the facade.
"""

from __future__ import annotations

from datetime import datetime

from services.notifications.verification import MAX_ANSWER_BYTES, CallbackNotVerified, CallbackVerifier, read_at_most
from services.notifications.zgw.notificatie import CONTENT_TYPE, aanmaakdatum, encoded

TEST_KANAAL = "test"
UNVERIFIED = (
    "callback URL could not be verified: it must accept a test notificatie, sent with the auth value as "
    "Authorization header, in time with a 2xx status"
)


def probe_notificatie(abonnement_url: str, now: datetime) -> dict:
    return {
        "kanaal": TEST_KANAAL,
        "hoofdObject": abonnement_url,
        "resource": "abonnement",
        "resourceUrl": abonnement_url,
        "actie": "create",
        "aanmaakdatum": aanmaakdatum(now),
        "kenmerken": {},
    }


async def check_callback(verifier: CallbackVerifier, url: str, auth: str, abonnement_url: str, now: datetime) -> None:
    """Raise CallbackNotVerified unless `url` accepted the test notificatie (or, handshakes off, may be sent to)."""
    body = encoded(probe_notificatie(abonnement_url, now)).encode()
    headers = {"Content-Type": CONTENT_TYPE, "Authorization": auth}

    async def send() -> None:
        async with verifier.client.stream("POST", url, content=body, headers=headers, timeout=verifier.timeout) as response:
            await read_at_most(response, MAX_ANSWER_BYTES)
        if not 200 <= response.status_code < 300:
            raise CallbackNotVerified(f"answered the test notificatie with HTTP {response.status_code}")

    await verifier.probe(url, send)
