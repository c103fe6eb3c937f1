"""What a signaller reads back about its signals: status, routing and the teams' feedback."""

from collections.abc import Sequence
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.outbox import OutboxMessage
from shared.runtime import Runtime
from services.arrears.schemas import Routing, SignalStatus
from services.arrears.tables import Signal, SignalFeedback, SignalRouting


async def statuses(runtime: Runtime, session: AsyncSession, signals: Sequence[Signal]) -> list[SignalStatus]:
    """The status of each signal, read with one query per table whatever the page size."""
    ids = [signal.id for signal in signals]
    if not ids:
        return []
    sent = {
        row.event_id: row.sent_at
        for row in (await session.exec(select(OutboxMessage).where(col(OutboxMessage.event_id).in_(ids)))).all()
    }
    routes: dict[UUID, list[SignalRouting]] = {}
    query = select(SignalRouting).where(col(SignalRouting.signal_id).in_(ids)).order_by(col(SignalRouting.routed_at))
    for route in (await session.exec(query)).all():
        routes.setdefault(route.signal_id, []).append(route)
    feedback = {
        row.alert_id: row
        for row in (await session.exec(select(SignalFeedback).where(col(SignalFeedback.signal_id).in_(ids)))).all()
    }
    return [_status(runtime, signal, sent.get(signal.id), routes.get(signal.id, []), feedback) for signal in signals]


def _status(runtime: Runtime, signal: Signal, forwarded_at, routes: list[SignalRouting], feedback: dict) -> SignalStatus:
    state = "routed" if routes else "forwarded" if forwarded_at else "received"
    routing = [_routing(runtime, route, feedback.get(route.alert_id)) for route in routes]
    finals = sorted((r for r in routing if r.final_report_on), key=lambda r: r.final_report_on)
    suspensions = [r.collection_suspended_until for r in routing if r.collection_suspended_until]
    return SignalStatus(
        id=signal.id,
        type=signal.type,
        reference=signal.idempotency_key,
        observed_on=signal.observed_on,
        received_at=signal.received_at,
        status=state,
        forwarded_at=forwarded_at,
        routing=routing,
        outcome=finals[-1].outcome if finals else None,
        collection_suspended_until=suspensions[-1] if suspensions else None,
    )


def _routing(runtime: Runtime, route: SignalRouting, feedback: SignalFeedback | None) -> Routing:
    """A route with its feedback; after the final report its suspension replaces the provisional one."""
    final = feedback is not None and feedback.final_report_on is not None
    return Routing(
        recipient=route.recipient,
        recipient_name=_name(runtime, route.recipient),
        kind=route.kind,
        routed_at=route.routed_at,
        intermediate_report_due=route.intermediate_report_due,
        final_report_due=route.final_report_due,
        contact_made_on=feedback.contact_made_on if feedback else None,
        intermediate_report_on=feedback.intermediate_report_on if feedback else None,
        final_report_on=feedback.final_report_on if feedback else None,
        outcome=feedback.outcome if feedback else None,
        collection_suspended_until=feedback.collection_suspended_until if final else route.collection_suspended_until,
    )


def _name(runtime: Runtime, organisation_id: str) -> str:
    organisation = runtime.organisations.get(organisation_id)
    return organisation.name if organisation else organisation_id
