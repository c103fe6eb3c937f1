"""Consumer side: an alert or placement event becomes one delivery per matching subscription."""

from __future__ import annotations

from uuid import uuid4

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event, encode
from shared.runtime import Runtime
from services.notifications.tables import Delivery, Subscription

NOTIFIABLE = (
    event_types.ALERT_RAISED,
    event_types.PLACEMENT_WAITLISTED,
    event_types.PLACEMENT_OFFERED,
    event_types.PLACEMENT_CONFIRMED,
    event_types.PLACEMENT_DECLINED,
    event_types.PLACEMENT_LOST_FROM_VIEW,
    event_types.PLACEMENT_ENDED,
)
NOTIFIABLE_NAMES = frozenset(event_types.short_name(t) for t in NOTIFIABLE)


class Fanout:
    def __init__(self, runtime: Runtime, wake_deliverer):
        self._runtime = runtime
        self._wake = wake_deliverer

    def handlers(self):
        return {event_type: self.apply for event_type in NOTIFIABLE}

    async def apply(self, session: AsyncSession, event: Event) -> None:
        recipient = event.data.recipient
        name = event_types.short_name(event.type)
        subscriptions = (
            await session.exec(
                select(Subscription).where(Subscription.organisation_id == recipient, Subscription.active == True)  # noqa: E712
            )
        ).all()
        now = self._runtime.clock.now()
        body = encode(event).decode()
        for subscription in subscriptions:
            if subscription.event_types and name not in subscription.event_types:
                continue
            session.add(
                Delivery(
                    id=uuid4(),
                    event_id=event.id,
                    event_type=event.type,
                    subscription_id=subscription.id,
                    recipient=recipient,
                    case_key=event.subject,
                    body=body,
                    status="pending",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        self._wake()
