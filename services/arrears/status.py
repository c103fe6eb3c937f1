"""What a signaller reads back about its signals: status, routing and the teams' feedback."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.event_types import SignalType
from shared.entitlement import owns
from shared.errors import NotFound
from shared.organisations import Organisation
from shared.persistence.outbox import OutboxMessage
from shared.runtime import Runtime
from services.arrears.schemas import Routing, SignalStatus
from services.arrears.tables import Signal, SignalFeedback, SignalRouting


NOT_FOUND = "no such signal"


async def signals_of(
    runtime: Runtime, organisation_id: str, signal_type: SignalType | None, *, limit: int, offset: int
) -> tuple[list[SignalStatus], int]:
    """A page of an organisation's signals, newest first, and how many there are in all."""
    mine = [Signal.organisation_id == organisation_id]
    if signal_type is not None:
        mine.append(Signal.type == signal_type)
    async with runtime.sessions() as session:
        total = (await session.exec(select(func.count()).select_from(Signal).where(*mine))).one()
        page = select(Signal).where(*mine).order_by(col(Signal.received_at).desc(), col(Signal.id)).offset(offset).limit(limit)
        return await statuses(runtime, session, (await session.exec(page)).all()), total


async def status_of(runtime: Runtime, organisation: Organisation, signal_id: UUID) -> SignalStatus:
    """One of the organisation's own signals; another's is NotFound, like one that does not exist."""
    async with runtime.sessions() as session:
        signal = await session.get(Signal, signal_id)
        if signal is None or not owns(organisation, signal.organisation_id):
            raise NotFound(NOT_FOUND)
        [found] = await statuses(runtime, session, [signal])
    return found


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
