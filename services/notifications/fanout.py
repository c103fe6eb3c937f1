"""Consumer side: an alert or placement event becomes one delivery per matching subscription
of its recipient (and of any organisation the event names in `also_notify`).

Every alert is also recorded, subscribed or not: teams without a webhook read
it in their inbox, and an unacknowledged one escalates on its timer.
"""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event, encode
from shared.runtime import Runtime
from services.notifications.alerts import record_alert
from services.notifications.domain.escalation import EscalationPolicy
from services.notifications.tables import Delivery, Subscription

async def add_deliveries(session: AsyncSession, event: Event, recipient: str, now: datetime) -> int:
    """One pending delivery of `event` per active subscription of `recipient` that wants its type."""
    name = event_types.short_name(event.type)
    subscriptions = await active_subscriptions(session, recipient)
    body = encode(event).decode()
    added = 0
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
        added += 1
    return added


async def active_subscriptions(session: AsyncSession, recipient: str) -> list[Subscription]:
    """Read once per transaction: a consumed batch of many alerts for one team asks once."""
    known: dict[str, list[Subscription]] = session.info.setdefault("active_subscriptions", {})
    if recipient not in known:
        query = select(Subscription).where(Subscription.organisation_id == recipient, Subscription.active == True)  # noqa: E712
        known[recipient] = list((await session.exec(query)).all())
    return known[recipient]


class Fanout:
    """Use case: an alert or placement news for its recipients' subscriptions (an alert also for
    the inbox and its escalation timer)."""

    def __init__(self, runtime: Runtime, policy: EscalationPolicy, wake_deliverer):
        self._runtime = runtime
        self._policy = policy
        self._wake = wake_deliverer

    async def apply(self, session: AsyncSession, event: Event) -> None:
        now = self._runtime.clock.now()
        if event.type == event_types.ALERT_RAISED:
            await record_alert(session, event, self._policy)
        added = 0
        for recipient in recipients(event):
            added += await add_deliveries(session, event, recipient, now)
        if added:
            self._wake()


def recipients(event: Event) -> list[str]:
    """Who hears of an event: its `recipient`, and those it names in `also_notify`
    (a withdrawn shelter request: the shelter that held the offer or hosts the family)."""
    found = [event.data.recipient, *getattr(event.data, "also_notify", ())]
    return list(dict.fromkeys(found))
