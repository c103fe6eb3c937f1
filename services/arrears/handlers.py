"""What the intake reacts to: triage's routing of a signal and the teams' feedback
on it (topics `alerts` and `prevention`), so its signaller can see them."""

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types
from shared.contracts.envelope import Event
from shared.contracts.events.prevention import ContactMade, FinalReport, IntermediateReport, PreventionData
from shared.contracts.events.triage import AlertKind, AlertRaised
from services.arrears.tables import Signal, SignalFeedback, SignalRouting

# Reminders and escalations are the chain's business with its teams, not the signaller's.
NOT_ROUTING = frozenset({AlertKind.REMINDER, AlertKind.ESCALATION})


async def record_routing(session: AsyncSession, event: Event) -> None:
    alert: AlertRaised = event.data
    if alert.kind in NOT_ROUTING or await session.get(Signal, alert.signal_id) is None:
        return  # a reminder, or an alert about a signal another intake received
    session.add(
        SignalRouting(
            alert_id=alert.alert_id,
            signal_id=alert.signal_id,
            recipient=alert.recipient,
            kind=alert.kind.value,
            routed_at=event.envelope.time,
            priority=alert.priority.value,
            intermediate_report_due=alert.intermediate_report_due.date() if alert.intermediate_report_due else None,
            final_report_due=alert.final_report_due.date() if alert.final_report_due else None,
            collection_suspended_until=alert.collection_suspended_until,
        )
    )


async def record_feedback(session: AsyncSession, event: Event) -> None:
    report: PreventionData = event.data
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


HANDLERS = {event_types.ALERT_RAISED: record_routing}
FEEDBACK_HANDLERS = {
    event_types.PREVENTION_CONTACT_MADE: record_feedback,
    event_types.PREVENTION_REPORT_INTERMEDIATE: record_feedback,
    event_types.PREVENTION_REPORT_FINAL: record_feedback,
}
