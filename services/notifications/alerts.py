"""Alerts as notifications keeps them: recorded on arrival, read in the inbox, acknowledged by
the team (or its fallback).

An acknowledgement means a person at the organisation took the alert up. A
webhook's 2xx does not count: it only says a system received it.

The alert's shapes here: the contract `AlertRaised` becomes an `Alert` row (`alert_row`);
what notifications says about an alert (`AlertAcknowledged`, `AlertEscalated`) is built
from that row (`announcement`). A field means the same in every shape that has its name,
so each is built from the one before by name: a field added to the contract and the row
is carried without another edit here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event, encode
from shared.contracts.events.deliveries import AlertAcknowledged, DeliveryData
from shared.contracts.events.triage import AlertRaised
from shared.errors import NotFound
from shared.runtime import Runtime
from services.notifications.domain.escalation import EscalationPolicy
from services.notifications.staging import stage_alert
from services.notifications.tables import Alert

NOT_FOUND = "not found"
ALERT_COLUMNS = tuple(Alert.__table__.columns.keys())
About = TypeVar("About", bound=DeliveryData)


def record_alert(session: AsyncSession, event: Event, policy: EscalationPolicy) -> None:
    """Stage the alert for the inbox and its escalation timer (written with the transaction's
    other rows, services.notifications.staging); the same alert in a second event keeps the
    first one's row and timer."""
    data: AlertRaised = event.data
    stage_alert(session, alert_row(event, policy.acknowledgement_due(data.priority, event.envelope.time)))


def alert_row(event: Event, acknowledgement_due: datetime) -> dict:
    """The alert as the inbox and the escalation timer keep it: the contract's fields the row
    has, the case, when it was raised, and the CloudEvent as published (webhooks get it with their own `sequence`)."""
    data: AlertRaised = event.data
    row = dict.fromkeys(ALERT_COLUMNS)  # one INSERT for many rows: every row names every column
    row.update({name: getattr(data, name) for name in ALERT_COLUMNS if name in AlertRaised.model_fields})
    row.update(
        event_id=event.id,
        case_key=event.subject,
        raised_at=event.envelope.time,
        body=encode(event).decode(),
        acknowledgement_due=acknowledgement_due,
    )
    return row


def announcement(about: type[About], alert: Alert) -> About:
    """What notifications tells the chain about an alert (acknowledged, escalated): the fields
    the contract shares with the row, about the alert.raised event it delivered."""
    facts = {name: getattr(alert, name) for name in about.model_fields if name in Alert.model_fields}
    return about(**facts, event_type_delivered=event_types.ALERT_RAISED)


def visible_to(organisation_id: str):
    """The alerts an organisation may see and acknowledge: its own and those escalated to it."""
    return (Alert.recipient == organisation_id) | (Alert.escalated_to == organisation_id)


async def inbox(runtime: Runtime, organisation_id: str, *, unacknowledged: bool, limit: int) -> list[Alert]:
    """The alerts an organisation may see, newest first."""
    async with runtime.sessions() as session:
        query = select(Alert).where(visible_to(organisation_id))
        if unacknowledged:
            query = query.where(col(Alert.acknowledged_at).is_(None))
        query = query.order_by(col(Alert.raised_at).desc()).limit(limit)
        return list((await session.exec(query)).all())


async def one_alert(runtime: Runtime, alert_id: UUID, organisation_id: str) -> Alert:
    """One alert the organisation may see; NotFound otherwise, as for one that does not exist."""
    async with runtime.sessions() as session:
        alert = (await session.exec(select(Alert).where(Alert.alert_id == alert_id, visible_to(organisation_id)))).first()
    if alert is None:
        raise NotFound(NOT_FOUND)
    return alert


async def acknowledge(runtime: Runtime, alert_id: UUID, organisation_id: str, worker: str | None) -> Alert:
    """Record the first acknowledgement and announce it; a repeat returns the first one unchanged.

    NotFound for an alert the organisation may not see, exactly as for one that does not exist."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        query = select(Alert).where(Alert.alert_id == alert_id, visible_to(organisation_id))
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update()  # serialises with a concurrent acknowledgement or escalation
        alert = (await session.exec(query)).first()
        if alert is None:
            raise NotFound(NOT_FOUND)
        if alert.acknowledged_at is not None:
            return alert
        alert.acknowledged_at, alert.acknowledged_by, alert.acknowledged_by_worker = now, organisation_id, worker
        session.add(alert)
        runtime.emit(session, announcement(AlertAcknowledged, alert), subject=alert.case_key)
    runtime.relay.wake()
    return alert
