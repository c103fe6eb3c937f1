"""Alerts as notifications keeps them: recorded on arrival, acknowledged by the team (or its fallback).

An acknowledgement means a person at the organisation took the alert up. A
webhook's 2xx does not count: it only says a system received it.
"""

from __future__ import annotations

from uuid import UUID

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event, encode
from shared.contracts.events.deliveries import AlertAcknowledged
from shared.contracts.events.triage import AlertRaised
from shared.runtime import Runtime
from services.notifications.domain.escalation import EscalationPolicy
from services.notifications.tables import Alert


class AlertNotFound(LookupError):
    """No such alert for this organisation (the same answer whether it exists or not)."""


async def record_alert(session: AsyncSession, event: Event, policy: EscalationPolicy) -> None:
    data: AlertRaised = event.data
    # No autoflush: in a consumed batch the rows of earlier alerts are written together at
    # commit. The same alert twice within one batch then fails the batch on its unique key,
    # and the consumer handles those events one by one, where this check sees the first.
    with session.no_autoflush:
        if await session.get(Alert, data.alert_id) is not None:
            return  # the same alert in a second event: the first one's timer stands
    raised_at = event.envelope.time
    session.add(
        Alert(
            alert_id=data.alert_id,
            event_id=event.id,
            recipient=data.recipient,
            case_key=event.subject,
            kind=data.kind.value,
            priority=data.priority.value,
            reason=data.reason,
            municipality_code=data.municipality_code,
            district=data.district,
            due=data.due,
            raised_at=raised_at,
            body=encode(event).decode(),
            acknowledgement_due=policy.acknowledgement_due(data.priority, raised_at),
        )
    )


def visible_to(organisation_id: str):
    """The alerts an organisation may see and acknowledge: its own and those escalated to it."""
    return (Alert.recipient == organisation_id) | (Alert.escalated_to == organisation_id)


async def acknowledge(runtime: Runtime, alert_id: UUID, organisation_id: str, worker: str | None) -> Alert:
    """Record the first acknowledgement and announce it; a repeat returns the first one unchanged."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        query = select(Alert).where(Alert.alert_id == alert_id, visible_to(organisation_id))
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update()  # serialises with a concurrent acknowledgement or escalation
        alert = (await session.exec(query)).first()
        if alert is None:
            raise AlertNotFound(alert_id)
        if alert.acknowledged_at is not None:
            return alert
        alert.acknowledged_at, alert.acknowledged_by, alert.acknowledged_by_worker = now, organisation_id, worker
        session.add(alert)
        runtime.emit(
            session,
            AlertAcknowledged(
                alert_id=alert.alert_id,
                event_id=alert.event_id,
                event_type_delivered=event_types.ALERT_RAISED,
                recipient=alert.recipient,
                acknowledged_by=organisation_id,
                acknowledged_at=now,
            ),
            subject=alert.case_key,
        )
    runtime.relay.wake()
    return alert
