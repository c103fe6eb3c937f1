"""Use cases: what came of a signal, kept so its signaller can read it back (services.arrears.status):
where triage routed it, and what the team it went to reported (dates and outcome only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, exists, insert, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.prevention import ContactMade, FinalReport, IntermediateReport, PreventionData
from shared.contracts.events.triage import AlertKind, AlertRaised
from shared.persistence.appends import append, insert_with
from services.arrears.tables import Signal, SignalFeedback, SignalRouting

# Reminders and escalations are the chain's business with its teams, not the signaller's.
NOT_ROUTING = frozenset({AlertKind.REMINDER, AlertKind.ESCALATION})


async def record_routing(session: AsyncSession, alert: AlertRaised, routed_at: datetime) -> None:
    """Keep the route of a signal this intake received, with a statement that writes nothing
    for a signal another intake received (no read of the signal first). The row goes in at
    commit with the consumed batch's others, in one executemany (shared.persistence.appends):
    nothing in the batch reads it back."""
    if alert.kind in NOT_ROUTING:
        return  # the chain's business with its teams, not the signaller's
    append(session, SignalRouting.__table__, routing_row(alert, routed_at).model_dump())


def _insert_if_ours(_dialect: str):
    """INSERT INTO signal_routing (..) SELECT :alert_id, .. WHERE EXISTS (the signal), the same on
    both dialects; built once (shared.persistence.appends)."""
    table = SignalRouting.__table__
    names = [column.name for column in table.columns]
    values = select(*(bindparam(name, type_=table.c[name].type) for name in names))
    ours = exists().where(col(Signal.id) == bindparam("signal_id", type_=table.c.signal_id.type))
    return insert(table).from_select(names, values.where(ours))


insert_with(SignalRouting.__table__, _insert_if_ours)


def routing_row(alert: AlertRaised, routed_at: datetime) -> SignalRouting:
    """The route as its signaller may see it, from the contract: the fields the row shares with
    it by name (no household detail is among them), the report deadlines as days."""
    row = {name: getattr(alert, name) for name in SignalRouting.model_fields if name in AlertRaised.model_fields}
    row.update(
        routed_at=routed_at,
        intermediate_report_due=_day(alert.intermediate_report_due),
        final_report_due=_day(alert.final_report_due),
    )
    return SignalRouting(**row)


async def record_feedback(session: AsyncSession, report: PreventionData) -> None:
    signal_id = report.signal_id
    if signal_id is None:
        routing = await session.get(SignalRouting, report.alert_id)
        signal_id = routing.signal_id if routing else None
    if signal_id is None or await session.get(Signal, signal_id) is None:
        return  # feedback on a signal another intake received
    feedback = await session.get(SignalFeedback, report.alert_id) or SignalFeedback(
        alert_id=report.alert_id, signal_id=signal_id, reported_by=report.reported_by
    )
    if isinstance(report, ContactMade):
        feedback.contact_made_on = report.reported_on
    elif isinstance(report, IntermediateReport):
        feedback.intermediate_report_on = report.reported_on
    elif isinstance(report, FinalReport):
        feedback.final_report_on = report.reported_on
        feedback.outcome = report.outcome.value
        feedback.collection_suspended_until = report.collection_suspended_until
    session.add(feedback)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None
