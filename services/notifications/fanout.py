"""Consumer side: an alert or placement event becomes one delivery per matching subscription
of its recipient (and of any organisation the event names in `also_notify`): its webhooks,
and its ZGW abonnementen (services.notifications.zgw.fanout).

Every alert is also recorded, subscribed or not: teams without a webhook read
it in their inbox, and an unacknowledged one escalates on its timer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event
from shared.persistence.after_commit import after_commit
from shared.runtime import Runtime
from services.notifications.alerts import record_alert
from services.notifications.batching import first_attempt
from services.notifications.domain.escalation import EscalationPolicy
from services.notifications.pending import delivery_row
from services.notifications.staging import stage_webhook_delivery, write_staged
from services.notifications.tables import Subscription
from services.notifications.zgw.fanout import add_abonnement_deliveries
from services.notifications.zgw.notificatie import ResourceLinks

async def add_deliveries(session: AsyncSession, event: Event, recipient: str, now: datetime, links: ResourceLinks) -> int:
    """One pending delivery of `event` per active subscription of `recipient` that wants its type,
    webhook or ZGW abonnement (whose notificatie points at the chain's resources through `links`).
    The webhook deliveries are staged: `write_staged` writes them before the transaction commits."""
    name = event_types.short_name(event.type)
    wanted = [s for s in await active_subscriptions(session, recipient) if not s.event_types or name in s.event_types]
    for subscription in wanted:
        due = first_attempt(now, subscription.delivery_mode, subscription.batch_max_wait_seconds)
        row = delivery_row(event, subscription.id, recipient, None, now, due)
        # Its body: the CloudEvent with the next `sequence` of what this subscription heard about
        # the case, drawn for the whole transaction at once. A receiver sees a gap as a missed
        # delivery, never as an event of a type it did not subscribe to.
        stage_webhook_delivery(session, row, event.envelope, subscription)
    return len(wanted) + await add_abonnement_deliveries(session, event, recipient, now, links)


async def active_subscriptions(session: AsyncSession, recipient: str) -> list[Subscription]:
    """Read once per transaction: a consumed batch of many alerts for one team asks once."""
    known: dict[str, list[Subscription]] = session.info.setdefault("active_subscriptions", {})
    if recipient not in known:
        known[recipient] = list((await session.exec(_ACTIVE_SUBSCRIPTIONS, params={"recipient": recipient})).all())
    return known[recipient]


# Built once (docs/adr/0058).
_ACTIVE_SUBSCRIPTIONS = select(Subscription).where(
    Subscription.organisation_id == bindparam("recipient"), Subscription.active == True  # noqa: E712
)


class Fanout:
    """Use case: an alert or placement news for its recipients' subscriptions (an alert also for
    the inbox and its escalation timer)."""

    def __init__(self, runtime: Runtime, policy: EscalationPolicy, wake_deliverer):
        self._runtime = runtime
        self._policy = policy
        self._wake = wake_deliverer
        self._links = ResourceLinks.of(runtime.settings)

    async def apply(self, session: AsyncSession, event: Event) -> None:
        now = self._runtime.clock.now()
        if event.type == event_types.ALERT_RAISED:
            record_alert(session, event, self._policy)
        added = 0
        for recipient in recipients(event):
            added += await add_deliveries(session, event, recipient, now, self._links)
        if added:
            after_commit(session, self._wake)  # woken before the commit, the deliverer would find nothing

    async def finish(self, session: AsyncSession) -> None:
        """After a consumed batch's effects, in their transaction: write the rows they staged."""
        await write_staged(session, self._runtime.clock.now())


def recipients(event: Event) -> list[str]:
    """Who hears of an event: its `recipient`, and those it names in `also_notify`
    (a withdrawn shelter request: the shelter that held the offer or hosts the family)."""
    found = [event.data.recipient, *getattr(event.data, "also_notify", ())]
    return list(dict.fromkeys(found))
