"""Durable deadlines of the feedback loop (see shared.timers).

An overdue report brings one reminder to the team; when it is still missing
`escalate_after` later, one escalation to the municipality's escalation
recipient (rules file, `report_escalation`). Each fires once: the row records
that it fired in the same transaction as the alert it raised. The eviction
check (late in view) runs on the same tick.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from shared.contracts.events.triage import AlertKind, AlertTrigger, Priority, Report
from shared.runtime import Runtime
from services.triage.alert_shapes import AlertSpec
from services.triage.alerting import Alerter
from services.triage.eviction_watch import EvictionWatch
from services.triage.rules import RuleSet
from services.triage.tables import Alert, HouseholdCase, ReportDeadline, aware
from services.triage.timeline import note

BATCH = 100
ESCALATION_DUE = timedelta(hours=24)
REMINDER_RULE = "report-overdue"
ESCALATION_RULE = "report-escalated"


class DeadlineTimers:
    def __init__(self, runtime: Runtime, rules: RuleSet, alerter: Alerter, watch: EvictionWatch, escalate_after: timedelta):
        self._runtime = runtime
        self._rules = rules
        self._alerter = alerter
        self._watch = watch
        self._escalate_after = escalate_after

    async def check(self, now: datetime) -> int:
        handled = await self.remind(now) + await self.escalate(now) + await self._watch.check_due(now)
        if handled:
            self._runtime.relay.wake()
        return handled

    async def remind(self, now: datetime) -> int:
        due = (col(ReportDeadline.due_at) <= now, col(ReportDeadline.reminded_at).is_(None))
        return await self._fire(due, now, self._remind_one)

    async def escalate(self, now: datetime) -> int:
        due = (col(ReportDeadline.escalation_due_at) <= now, col(ReportDeadline.escalated_at).is_(None))
        return await self._fire(due, now, self._escalate_one)

    async def _fire(self, conditions, now: datetime, act) -> int:
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(ReportDeadline)
                .where(col(ReportDeadline.received_at).is_(None), *conditions)
                .order_by(col(ReportDeadline.id))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            deadlines = (await session.exec(query)).all()
            for deadline in deadlines:
                alert = await session.get(Alert, deadline.alert_id)
                case = await session.get(HouseholdCase, deadline.case_key)
                act(session, deadline, alert, case, now)
                session.add(deadline)
                session.add(case)
        return len(deadlines)

    def _remind_one(self, session, deadline: ReportDeadline, alert: Alert, case: HouseholdCase, now: datetime) -> None:
        escalation_due = now + self._escalate_after
        due_on = aware(deadline.due_at).date()
        self._alerter.raise_alert(session, case, AlertSpec(
            recipient=deadline.team, kind=AlertKind.REMINDER, priority=Priority.NORMAL, due=escalation_due,
            reason=f"{deadline.report} report overdue since {due_on}",
            rule_id=REMINDER_RULE, trigger=AlertTrigger.REPORT_OVERDUE, signal_id=alert.signal_id,
            signal_type=alert.signal_type, regarding_alert_id=alert.alert_id, report=Report(deadline.report),
        ), now, None)  # fmt: skip
        deadline.reminded_at = now
        deadline.escalation_due_at = escalation_due

    def _escalate_one(self, session, deadline: ReportDeadline, alert: Alert, case: HouseholdCase, now: datetime) -> None:
        deadline.escalated_at = now
        target = self._rules.escalation_for(case.municipality_code, deadline.team)
        if target is None:
            note(session, case.case_key, now, "escalation-skipped", None, {
                "alert_id": str(alert.alert_id), "report": deadline.report, "reason": "no one else to escalate to",
            })  # fmt: skip
            return
        self._alerter.raise_alert(session, case, AlertSpec(
            recipient=target, kind=AlertKind.ESCALATION, priority=Priority.URGENT, due=now + ESCALATION_DUE,
            reason=f"{deadline.report} report from {deadline.team} overdue since {aware(deadline.due_at).date()}; reminder unanswered",
            rule_id=ESCALATION_RULE, trigger=AlertTrigger.REPORT_ESCALATED, signal_id=alert.signal_id,
            signal_type=alert.signal_type, regarding_alert_id=alert.alert_id, report=Report(deadline.report),
        ), now, None)  # fmt: skip
