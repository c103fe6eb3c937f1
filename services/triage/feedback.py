"""What happens when a prevention team reports back on an alert.

One transaction: the report on the alert and the case timeline, the deadlines
it closes, the prevention.* event for the signaller (topic `prevention`), and,
for a final report, the routing of its outcome (Amsterdam: not reached →
Meldpunt Zorg en Overlast). The rules themselves are in domain.feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import dutch_date
from shared.contracts.events.prevention import ContactMade, FinalReport, HomeVisitDone, IntermediateReport, PreventionOutcome
from shared.contracts.events.triage import AlertTrigger, Report
from shared.runtime import Runtime
from services.triage.alerting import Alerter
from services.triage.case.facts import household_facts
from services.triage.domain.feedback import (
    FINAL_REPORT_SIGNAL,
    FeedbackKind,
    FeedbackSoFar,
    check_feedback,
    collection_suspended_until,
    counts_as_contact,
)
from services.triage.domain.routing import SignalFacts
from services.triage.rules.versions import RulesBook
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import Alert, HouseholdCase, ReportDeadline, aware
from services.triage.timeline import note


@dataclass(frozen=True)
class Feedback:
    kind: FeedbackKind
    reported_on: date
    outcome: PreventionOutcome | None = None
    debt_settlement_pending: bool = False
    visitors: int | None = None  # a home visit: how many workers went
    met_household: bool = False  # a home visit: the household opened the door and talked


@dataclass(frozen=True)
class FeedbackRecorded:
    alert_id: UUID
    kind: FeedbackKind
    reported_on: date
    collection_suspended_until: date | None
    alerts_raised: list[UUID]


class FeedbackDesk:
    def __init__(self, runtime: Runtime, alerter: Alerter, book: RulesBook):
        self._runtime = runtime
        self._book = book
        self._alerter = alerter

    async def record(self, session: AsyncSession, alert: Alert, team: str, feedback: Feedback) -> FeedbackRecorded:
        """Raises domain.feedback.FeedbackRefused when the report contradicts earlier ones."""
        now = self._runtime.clock.now()
        so_far = FeedbackSoFar(alert.contact_made_on, alert.intermediate_report_on, alert.final_report_on)
        # The earliest day the alert can be read as (UTC's) and the latest today (Amsterdam's):
        # a date right in either calendar is accepted (shared.clock.dutch_date).
        check_feedback(feedback.kind, feedback.reported_on, so_far, aware(alert.raised_at).date(), dutch_date(now))
        case = await session.get(HouseholdCase, alert.case_key)

        first_contact = await self._take(session, alert, feedback, now)
        if counts_as_contact(feedback.kind, feedback.outcome, feedback.met_household) and case.prevention_contact_on is None:
            case.prevention_contact_on = feedback.reported_on

        suspension = None
        if feedback.kind is FeedbackKind.FINAL and alert.suspends_collection:
            suspension = collection_suspended_until(
                aware(alert.final_report_due).date(), feedback.reported_on, feedback.debt_settlement_pending
            )
        note(session, case.case_key, now, TimelineKind.FEEDBACK, None, {
            "alert_id": str(alert.alert_id), "type": feedback.kind, "by": team,
            "reported_on": feedback.reported_on.isoformat(),
            **({"outcome": feedback.outcome, "debt_settlement_pending": feedback.debt_settlement_pending}
               if feedback.kind is FeedbackKind.FINAL else {}),
            **({"collection_suspended_until": suspension.isoformat()} if suspension else {}),
            **({"visitors": feedback.visitors, "met_household": feedback.met_household}
               if feedback.kind is FeedbackKind.HOME_VISIT else {}),
        })  # fmt: skip
        self._runtime.emit(session, _event(alert, team, feedback, suspension), subject=case.case_key)
        if feedback.kind is FeedbackKind.HOME_VISIT and first_contact:
            # The first visit that met the household is the contact the signaller and the monitor count.
            self._runtime.emit(session, _event(alert, team, replace(feedback, kind=FeedbackKind.CONTACT_MADE), None), subject=case.case_key)

        raised = []
        if feedback.kind is FeedbackKind.FINAL:
            raised = await self._route_outcome(session, case, alert, team, feedback, now)
        case.updated_at = now
        session.add(alert)
        session.add(case)
        return FeedbackRecorded(alert.alert_id, feedback.kind, feedback.reported_on, suspension, [a.alert_id for a in raised])

    async def _take(self, session: AsyncSession, alert: Alert, feedback: Feedback, now: datetime) -> bool:
        """The report on the alert and the deadlines it closes; True when it is the alert's first contact."""
        first_contact = alert.contact_made_on is None and counts_as_contact(feedback.kind, met_household=feedback.met_household)
        if feedback.kind in (FeedbackKind.CONTACT_MADE, FeedbackKind.HOME_VISIT):
            if first_contact:
                alert.contact_made_on = feedback.reported_on
        elif feedback.kind is FeedbackKind.INTERMEDIATE:
            alert.intermediate_report_on = feedback.reported_on
            await self._close(session, alert.alert_id, now, Report.INTERMEDIATE)
        else:
            alert.final_report_on, alert.outcome = feedback.reported_on, feedback.outcome
            alert.debt_settlement_pending = feedback.debt_settlement_pending
            await self._close(session, alert.alert_id, now)  # a final report closes what is still open
        return first_contact

    async def _route_outcome(self, session, case: HouseholdCase, alert: Alert, team: str, feedback: Feedback, now: datetime):
        facts = SignalFacts(
            signal_type=FINAL_REPORT_SIGNAL,
            municipality_code=case.municipality_code,
            district=case.district,
            observed_on=feedback.reported_on,
            outcome=feedback.outcome,
            reported_by=team,
            corporation=case.corporation,
        )
        decision, rules = await self._book.route(session, facts, household_facts(case), now)
        if decision is None:
            unrouted = {"rule": None, "reason": "no rule for this outcome", "outcome": feedback.outcome, "rules": rules}
            note(session, case.case_key, now, TimelineKind.DECISION, None, unrouted)
            return []
        note(session, case.case_key, now, TimelineKind.DECISION, None, {**decision.trace, "recipient": decision.recipient})
        if not decision.alerts:
            return []
        return await self._alerter.raise_decision(
            session, case, decision, facts, trigger=AlertTrigger.FEEDBACK, signal_id=alert.signal_id, event_id=None, now=now
        )

    async def _close(self, session: AsyncSession, alert_id: UUID, now: datetime, report: Report | None = None) -> None:
        query = select(ReportDeadline).where(ReportDeadline.alert_id == alert_id, col(ReportDeadline.received_at).is_(None))
        if report is not None:
            query = query.where(ReportDeadline.report == report)
        for deadline in (await session.exec(query)).all():
            deadline.received_at = now
            session.add(deadline)


def _event(alert: Alert, team: str, feedback: Feedback, suspension: date | None):
    common = {"alert_id": alert.alert_id, "reported_by": team, "reported_on": feedback.reported_on, "signal_id": alert.signal_id}
    if feedback.kind is FeedbackKind.CONTACT_MADE:
        return ContactMade(**common)
    if feedback.kind is FeedbackKind.HOME_VISIT:
        return HomeVisitDone(**common, visitors=feedback.visitors, met_household=feedback.met_household)
    if feedback.kind is FeedbackKind.INTERMEDIATE:
        return IntermediateReport(**common)
    return FinalReport(
        **common,
        outcome=feedback.outcome,
        debt_settlement_pending=feedback.debt_settlement_pending,
        collection_suspended_until=suspension,
    )
