"""The escalation timer: alerts nobody acknowledged in time go to the fallback, once.

Run by shared.timers.timer_worker. Each check selects the due rows
(`acknowledgement_due <= now`, not acknowledged, not escalated), records the
escalation on the alert, emits alert.escalated and queues its delivery to the
fallback's webhooks, all in one transaction: a crash redoes the check, never
half of it, and an escalated alert is never selected again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import col, select

from shared.contracts.events.deliveries import AlertEscalated
from shared.runtime import Runtime
from services.notifications.alerts import announcement
from services.notifications.domain.escalation import EscalationPolicy
from services.notifications.fanout import add_deliveries
from services.notifications.staging import write_staged
from services.notifications.tables import Alert
from services.notifications.zgw.notificatie import ResourceLinks

log = logging.getLogger(__name__)
BATCH = 200


class Escalations:
    def __init__(self, runtime: Runtime, policy: EscalationPolicy, wake_deliverer):
        self._runtime = runtime
        self._policy = policy
        self._wake = wake_deliverer
        self._links = ResourceLinks.of(runtime.settings)

    async def check(self, now: datetime) -> int:
        """Escalate every alert whose acknowledgement was due by `now`; returns how many."""
        escalated = 0
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(Alert)
                .where(
                    col(Alert.acknowledged_at).is_(None),
                    col(Alert.escalated_at).is_(None),
                    col(Alert.acknowledgement_due) <= now,
                )
                .order_by(col(Alert.acknowledgement_due))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)  # replicas split the work, never share a row
            for alert in (await session.exec(query)).all():
                fallback = self._policy.fallback_for(alert.recipient)
                if fallback is None:
                    log.warning("alert %s unacknowledged by %s and no fallback configured", alert.alert_id, alert.recipient)
                    alert.escalated_at = now  # nobody to escalate to: stop selecting it; escalated_to stays empty
                    session.add(alert)
                    continue
                alert.escalated_at, alert.escalated_to = now, fallback
                session.add(alert)
                event = self._runtime.emit(session, announcement(AlertEscalated, alert), subject=alert.case_key)
                await add_deliveries(session, event, fallback, now, self._links)
                escalated += 1
            await write_staged(session, now)
        if escalated:
            self._runtime.relay.wake()
            self._wake()
        return escalated
