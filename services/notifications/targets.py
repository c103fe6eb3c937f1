"""Where a delivery goes and how its request looks, by the kind of subscription it was queued for.

A `Delivery` row names a subscription by id: a webhook `Subscription` or a ZGW
`Abonnement` (docs/adr/0019). Both are sent by the one deliverer, with the same
claims, leases, retries, dead letters and replay; only the request differs:

| kind | body (stored on the delivery) | headers |
|---|---|---|
| webhook | the CloudEvent | `Content-Type: application/cloudevents+json`, `Signaalketen-Signature` (HMAC of the body with the subscription's secret), `Idempotency-Key` |
| zgw | the notificatie (services/notifications/zgw/notificatie.py) | `Content-Type: application/json`, `Authorization`: the abonnement's own `auth` value, `Idempotency-Key` |
| webhook in batch mode | the CloudEvents of several deliveries as one JSON array (services/notifications/batching.py) | `Content-Type: application/cloudevents-batch+json`, `Signaalketen-Signature` |

`Idempotency-Key` is the CloudEvent id in both: the same on every attempt of one
delivery. A ZGW notificatie has no id of its own, so for a zaaksysteem it is the only
way to act once on a notificatie that arrived twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from sqlmodel import col, or_, select

from shared.contracts.envelope import CONTENT_TYPE as CLOUDEVENTS_JSON
from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from services.notifications.batching import BATCH_CONTENT_TYPE, DeliveryMode
from services.notifications.tables import Abonnement, Delivery, Subscription
from services.notifications.zgw.notificatie import CONTENT_TYPE as NOTIFICATIE_JSON


class TargetKind(StrEnum):
    WEBHOOK = "webhook"
    ZGW = "zgw"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    url: str
    credential: str  # the webhook's signing secret, or the abonnement's Authorization value
    batch_max_events: int | None = None  # a webhook in batch mode: at most this many CloudEvents per POST

    def batch_headers(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": BATCH_CONTENT_TYPE, SIGNATURE_HEADER: sign(self.credential, body)}

    def headers(self, body: bytes, event_id: UUID) -> dict[str, str]:
        if self.kind is TargetKind.ZGW:
            return {"Content-Type": NOTIFICATIE_JSON, "Authorization": self.credential, IDEMPOTENCY_HEADER: str(event_id)}
        return {
            "Content-Type": CLOUDEVENTS_JSON,
            # Wall-clock time, not the service clock: the receiver checks freshness against its own clock.
            SIGNATURE_HEADER: sign(self.credential, body),
            IDEMPOTENCY_HEADER: str(event_id),  # a convenience; receivers dedupe on the signed body's id
        }


TARGET_COLUMNS = (
    Subscription.callback_url,
    Subscription.secret,
    Abonnement.callback_url,
    Abonnement.auth,
    Subscription.delivery_mode,
    Subscription.batch_max_events,
)


def deliveries_with_targets():
    """A query of deliveries (id, event id, body), each with the columns `target_of` reads from
    whichever kind of subscription it was queued for. Rows of neither kind are left out. Columns,
    not ORM objects: a claim reads many and changes one column of each in one statement."""
    return (
        select(Delivery.id, Delivery.event_id, Delivery.body, *TARGET_COLUMNS)
        .outerjoin(Subscription, col(Subscription.id) == col(Delivery.subscription_id))
        .outerjoin(Abonnement, col(Abonnement.id) == col(Delivery.subscription_id))
        .where(or_(col(Subscription.id).is_not(None), col(Abonnement.id).is_not(None)))
    )


def target_of(
    webhook_url: str | None,
    secret: str | None,
    abonnement_url: str | None,
    auth: str | None,
    mode: DeliveryMode | None = None,
    batch_max_events: int | None = None,
) -> Target:
    if webhook_url is not None:
        batch = batch_max_events if mode is DeliveryMode.BATCH else None
        return Target(TargetKind.WEBHOOK, webhook_url, secret or "", batch)
    return Target(TargetKind.ZGW, abonnement_url or "", auth or "")
