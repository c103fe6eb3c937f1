"""Raising an alert: the event, the rows, the reports it asks for, the timeline line.

Every path that alerts someone goes through `Alerter.raise_alert` (a routed
signal, a composition correction, a team's final report, an overdue report, an
eviction coming close), so an alert always looks the same on Kafka and in the
case (its shapes: services.triage.alert_shapes), and the storm guard
(`Alerter.raise_decision`) sits in one place.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertRaised, AlertTrigger
from shared.organisations import Role
from shared.persistence.appends import append
from shared.runtime import Runtime
from services.triage.alert_shapes import AlertSpec, alert_line, alert_raised, alert_rows
from services.triage.capacity import YearlyCapacity
from services.triage.domain.repeats import ArrearsLevel, arrears_rose, fingerprint
from services.triage.domain.routing import Decision, SignalFacts
from services.triage.domain.timeline import TimelineKind
from services.triage.follow_up import FollowUps
from services.triage.rules import RECIPIENT_ROLES
from services.triage.tables import Alert, HouseholdCase, ReportDeadline
from services.triage.timeline import note


class Alerter:
    def __init__(self, runtime: Runtime, yearly_capacity: dict[str, int] | None = None, follow_ups: FollowUps | None = None):
        self._runtime = runtime
        self._capacity = YearlyCapacity(yearly_capacity or {})
        self.follow_ups = follow_ups  # every prevention alert is followed up (services.triage.follow_up)

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
        repeat, stamp = await self._repeats(session, case, decision, facts, arrears, new_case)
        if repeat is not None:
            note(session, case.case_key, now, TimelineKind.REPEAT, event_id, {"rule": decision.rule_id, **repeat})
            return []
        primary = AlertSpec.from_decision(
            decision, trigger=trigger, signal_id=signal_id, signal_type=facts.signal_type, fingerprint=stamp
        )
        primary = await self._capacity.marked(session, case.case_key, primary, now, event_id)
        if not new_case and await self.reports_open(session, case.case_key, decision.recipient):
            primary = primary.without_reports()
        specs = [primary, *(primary.copy_for(copy) for copy in decision.copies)]
        raised = [self.raise_alert(session, case, spec, now, event_id) for spec in specs]
        return [alert for alert in raised if alert is not None]

    def raise_alert(
        self, session: AsyncSession, case: HouseholdCase, spec: AlertSpec, now: datetime, event_id: UUID | None
    ) -> AlertRaised | None:
        organisation = self._runtime.organisations.get(spec.recipient)
        if organisation is None or organisation.role not in RECIPIENT_ROLES:
            note(session, case.case_key, now, TimelineKind.ALERT_SKIPPED, event_id, {
                "rule": spec.rule_id, "recipient": spec.recipient, "reason": "not an organisation that can act on alerts",
            })  # fmt: skip
            return None
        # A corporation learns that children live there, not who they are or how old.
        raised = alert_raised(spec, case, with_ages=organisation.role is not Role.CORPORATION)
        self._runtime.emit(session, raised, subject=case.case_key)
        for table, row in alert_rows(raised, spec, case.case_key, now):
            append(session, table, row)
        note(session, case.case_key, now, TimelineKind.ALERT, event_id, alert_line(raised))
        if self.follow_ups is not None:
            self.follow_ups.watch(session, raised, case.case_key, now)
        return raised

    async def reports_open(self, session: AsyncSession, case_key: str, team: str) -> bool:
        query = select(ReportDeadline.id).where(
            ReportDeadline.case_key == case_key, ReportDeadline.team == team, col(ReportDeadline.received_at).is_(None)
        )
        return (await session.exec(query.limit(1))).first() is not None

    async def _repeats(
        self, session: AsyncSession, case: HouseholdCase, decision: Decision, facts: SignalFacts,
        arrears: ArrearsLevel | None, new_case: bool,
    ) -> tuple[dict | None, str | None]:  # fmt: skip
        """(why this would repeat an earlier alert, or None; the fingerprint of a new one).

        Arrears alert again when they rose since the last alert (then remembered as the
        last alerted); any other alert once per episode with the same facts."""
        if arrears is not None:
            previous = _last_alerted_arrears(case)
            if not arrears_rose(previous, arrears):
                last = {"months": previous.months, "amount_eur": str(previous.amount)}
                return {"reason": "arrears not risen since the last alert", "last_alerted": last}, None
            case.last_alerted_arrears_months, case.last_alerted_arrears_amount = arrears.months, arrears.amount
            return None, None
        stamp = fingerprint(decision.rule_id, decision.recipient, facts, case.episode)
        if not new_case:
            query = select(Alert).where(Alert.case_key == case.case_key, Alert.fingerprint == stamp)
            if (await session.exec(query)).first() is not None:
                return {"reason": "the same alert was raised before in this episode"}, stamp
        return None, stamp


def _last_alerted_arrears(case: HouseholdCase) -> ArrearsLevel | None:
    if case.last_alerted_arrears_months is None:
        return None
    return ArrearsLevel(case.last_alerted_arrears_months, case.last_alerted_arrears_amount or 0)
