"""Raising an alert: the event, the row, the reports it asks for, the timeline line.

Every path that alerts someone goes through `Alerter.raise_alert` (a routed
signal, a composition correction, a team's final report, an overdue report, an
eviction coming close), so an alert always looks the same on Kafka and in the
case, and the storm guard (`Alerter.raise_decision`) sits in one place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertKind, AlertRaised, AlertTrigger, Priority, Report
from shared.organisations import Role
from shared.runtime import Runtime
from services.triage.domain.feedback import collection_suspended_until
from services.triage.domain.repeats import ArrearsLevel, arrears_rose, fingerprint
from services.triage.domain.routing import Decision, SignalFacts
from services.triage.rules import RECIPIENT_ROLES
from services.triage.tables import Alert, CaseEntry, HouseholdCase, ReportDeadline

log = logging.getLogger(__name__)


def over_capacity(used_before: int, capacity: int) -> bool:
    """The referral that makes `used_before + 1` is over a yearly capacity of `capacity`."""
    return used_before >= capacity


async def referrals_this_year(session: AsyncSession, recipient: str, now: datetime) -> int:
    """Prevention alerts raised for `recipient` since 1 January of `now`'s year."""
    return await referrals_in_year(session, recipient, now.year, until=now)


async def referrals_in_year(session: AsyncSession, recipient: str, year: int, until: datetime | None = None) -> int:
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = until or datetime(year + 1, 1, 1, tzinfo=UTC)
    query = select(func.count()).select_from(Alert).where(
        Alert.recipient == recipient,
        Alert.kind == AlertKind.PREVENTION.value,
        col(Alert.raised_at) >= start,
        col(Alert.raised_at) <= end,
    )
    return (await session.exec(query)).one()


@dataclass(frozen=True)
class AlertSpec:
    recipient: str
    kind: AlertKind
    priority: Priority
    due: datetime
    reason: str
    rule_id: str
    trigger: AlertTrigger
    signal_id: UUID
    signal_type: str
    regarding_alert_id: UUID | None = None
    report: Report | None = None
    intermediate_report_due: datetime | None = None
    final_report_due: datetime | None = None
    suspends_collection: bool = False
    fingerprint: str | None = None


class Alerter:
    def __init__(self, runtime: Runtime, yearly_capacity: dict[str, int] | None = None):
        self._runtime = runtime
        self._yearly_capacity = yearly_capacity or {}

    async def raise_decision(
        self,
        session: AsyncSession,
        case: HouseholdCase,
        decision: Decision,
        facts: SignalFacts,
        *,
        trigger: AlertTrigger,
        signal_id: UUID,
        event_id: UUID | None,
        now: datetime,
        arrears: ArrearsLevel | None = None,
        new_case: bool = False,
    ) -> list[AlertRaised]:
        """Alert the decision's recipient and copies, unless it repeats an earlier alert.

        `new_case`: the case was opened by this very signal, so it has no earlier alerts
        or open reports to look up (the common first signal skips those queries)."""
        stamp = None
        if arrears is not None:
            previous = _last_alerted_arrears(case)
            if not arrears_rose(previous, arrears):
                note(session, case.case_key, now, "repeat", event_id, {
                    "rule": decision.rule_id, "reason": "arrears not risen since the last alert",
                    "last_alerted": {"months": previous.months, "amount_eur": str(previous.amount)},
                })  # fmt: skip
                return []
            case.last_alerted_arrears_months, case.last_alerted_arrears_amount = arrears.months, arrears.amount
        else:
            stamp = fingerprint(decision.rule_id, decision.recipient, facts, case.episode)
            earlier = None
            if not new_case:
                query = select(Alert).where(Alert.case_key == case.case_key, Alert.fingerprint == stamp)
                earlier = (await session.exec(query)).first()
            if earlier is not None:
                note(session, case.case_key, now, "repeat", event_id, {
                    "rule": decision.rule_id, "reason": "the same alert was raised before in this episode",
                })  # fmt: skip
                return []
        primary = AlertSpec(
            recipient=decision.recipient,
            kind=decision.kind,
            priority=decision.priority,
            due=decision.due,
            reason=decision.reason,
            rule_id=decision.rule_id,
            trigger=trigger,
            signal_id=signal_id,
            signal_type=facts.signal_type,
            intermediate_report_due=decision.intermediate_report_due,
            final_report_due=decision.final_report_due,
            suspends_collection=decision.suspends_collection,
            fingerprint=stamp,
        )
        capacity = self._yearly_capacity.get(decision.recipient)
        if capacity is not None and decision.kind is AlertKind.PREVENTION:
            used = await referrals_this_year(session, decision.recipient, now)
            if over_capacity(used, capacity):
                # Still sent (families first, nothing dropped), but the overflow is visible.
                primary = replace(primary, reason=f"{primary.reason} (over the yearly capacity of {capacity})")
                note(session, case.case_key, now, "capacity", event_id, {
                    "recipient": decision.recipient, "year": now.year, "capacity": capacity, "referral": used + 1,
                })  # fmt: skip
        if not new_case and await self.reports_open(session, case.case_key, decision.recipient):
            # The team already owes reports on this household: it reports once, not per repeat.
            primary = replace(primary, intermediate_report_due=None, final_report_due=None, suspends_collection=False)
        specs = [primary] + [
            replace(primary, recipient=copy, intermediate_report_due=None, final_report_due=None,
                    suspends_collection=False, fingerprint=None)  # fmt: skip
            for copy in decision.copies
        ]
        raised = [self.raise_alert(session, case, spec, now, event_id) for spec in specs]
        return [alert for alert in raised if alert is not None]

    def raise_alert(
        self, session: AsyncSession, case: HouseholdCase, spec: AlertSpec, now: datetime, event_id: UUID | None
    ) -> AlertRaised | None:
        organisation = self._runtime.organisations.get(spec.recipient)
        if organisation is None or organisation.role not in RECIPIENT_ROLES:
            note(session, case.case_key, now, "alert-skipped", event_id, {
                "rule": spec.rule_id, "recipient": spec.recipient, "reason": "not an organisation that can act on alerts",
            })  # fmt: skip
            return None
        # A corporation learns that children live there, not who they are or how old.
        minor_ages = [] if organisation.role is Role.CORPORATION else list(case.minor_ages)
        suspension = collection_suspended_until(_day(spec.final_report_due)) if spec.suspends_collection else None
        alert = AlertRaised(
            alert_id=uuid4(),
            signal_id=spec.signal_id,
            signal_type=spec.signal_type,
            recipient=spec.recipient,
            kind=spec.kind,
            priority=spec.priority,
            due=spec.due,
            reason=spec.reason,
            rule_id=spec.rule_id,
            is_family=case.is_family,
            persons=case.persons,
            minors=case.minors,
            minor_ages=minor_ages,
            municipality_code=case.municipality_code,
            district=case.district,
            trigger=spec.trigger,
            regarding_alert_id=spec.regarding_alert_id,
            report=spec.report,
            intermediate_report_due=spec.intermediate_report_due,
            final_report_due=spec.final_report_due,
            collection_suspended_until=suspension,
        )
        self._runtime.emit(session, alert, subject=case.case_key)
        session.add(
            Alert(
                alert_id=alert.alert_id,
                case_key=case.case_key,
                signal_id=spec.signal_id,
                recipient=spec.recipient,
                kind=spec.kind.value,
                priority=spec.priority.value,
                due=spec.due,
                rule_id=spec.rule_id,
                raised_at=now,
                reason=spec.reason,
                signal_type=spec.signal_type,
                trigger=spec.trigger.value,
                regarding_alert_id=spec.regarding_alert_id,
                report=spec.report.value if spec.report else None,
                fingerprint=spec.fingerprint,
                intermediate_report_due=spec.intermediate_report_due,
                final_report_due=spec.final_report_due,
                suspends_collection=spec.suspends_collection,
            )
        )
        for report, due in ((Report.INTERMEDIATE, spec.intermediate_report_due), (Report.FINAL, spec.final_report_due)):
            if due is not None:
                session.add(
                    ReportDeadline(alert_id=alert.alert_id, case_key=case.case_key, team=spec.recipient, report=report.value, due_at=due)
                )
        note(session, case.case_key, now, "alert", event_id, {
            "alert_id": str(alert.alert_id), "recipient": alert.recipient, "kind": alert.kind.value,
            "priority": alert.priority.value, "due": alert.due.isoformat(), "rule": spec.rule_id,
            "trigger": spec.trigger.value,
            **({"report": spec.report.value} if spec.report else {}),
            **({"regarding_alert_id": str(spec.regarding_alert_id)} if spec.regarding_alert_id else {}),
            **({"final_report_due": spec.final_report_due.isoformat()} if spec.final_report_due else {}),
        })  # fmt: skip
        return alert

    async def reports_open(self, session: AsyncSession, case_key: str, team: str) -> bool:
        query = select(ReportDeadline.id).where(
            ReportDeadline.case_key == case_key, ReportDeadline.team == team, col(ReportDeadline.received_at).is_(None)
        )
        return (await session.exec(query.limit(1))).first() is not None


def note(session: AsyncSession, case_key: str, at: datetime, kind: str, event_id: UUID | None, summary: dict) -> None:
    """One line on the case's timeline (append-only)."""
    session.add(CaseEntry(case_key=case_key, at=at, kind=kind, event_id=event_id, summary=summary))


def _last_alerted_arrears(case: HouseholdCase) -> ArrearsLevel | None:
    if case.last_alerted_arrears_months is None:
        return None
    return ArrearsLevel(case.last_alerted_arrears_months, case.last_alerted_arrears_amount or 0)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None
