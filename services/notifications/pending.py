"""A delivery waiting to be sent: one row per event and subscription, whatever the kind
of subscription (services.notifications.targets)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from shared.contracts.envelope import Event
from services.notifications.tables import Delivery


def delivery_row(
    event: Event, subscription_id: UUID, recipient: str, body: str | None, now: datetime, due: datetime | None = None
) -> dict:
    """The row's every column (one INSERT for many rows: services.notifications.staging). `due`:
    its first attempt, when not at once (a batch subscription's wait, services.notifications.batching)."""
    return {
        "id": uuid4(),
        "event_id": event.id,
        "event_type": event.type,
        "subscription_id": subscription_id,
        "recipient": recipient,
        "case_key": event.subject,
        "body": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due or now,
        "last_error": None,
        "last_status_code": None,
        "delivered_at": None,
        "created_at": now,
    }


def pending_delivery(
    event: Event, subscription_id: UUID, recipient: str, body: str, now: datetime, due: datetime | None = None
) -> Delivery:
    """The same row as an ORM object, to `session.add`."""
    return Delivery(**delivery_row(event, subscription_id, recipient, body, now, due))
