"""A delivery waiting to be sent: one row per event and subscription, whatever the kind
of subscription (services.notifications.targets)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from shared.contracts.envelope import Event
from services.notifications.tables import Delivery


def pending_delivery(
    event: Event, subscription_id: UUID, recipient: str, body: str, now: datetime, due: datetime | None = None
) -> Delivery:
    """`due`: its first attempt, when not at once (a batch subscription's wait, services.notifications.batching)."""
    return Delivery(
        id=uuid4(),
        event_id=event.id,
        event_type=event.type,
        subscription_id=subscription_id,
        recipient=recipient,
        case_key=event.subject,
        body=body,
        status="pending",
        next_attempt_at=due or now,
        created_at=now,
    )
