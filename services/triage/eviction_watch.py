"""Late in view, on the clock: the urgent GGD alert when an eviction comes close
for a family without a safety-net plan.

When an eviction is scheduled the case stores when it comes within the window
(`eviction_check_at`). The check runs right away when that moment has passed,
otherwise the timer worker runs it when it does (services.triage.timers). It
runs once per eviction date; a correction of the composition to "family" opens
it again. The decision itself is pure (domain.late_in_view).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.event_types import SignalType
from shared.contracts.events import signals as signal_events
from shared.contracts.events.triage import AlertKind, AlertRaised, AlertTrigger, Priority
from shared.runtime import Runtime
from services.triage.alert_shapes import AlertSpec
from services.triage.alerting import Alerter
from services.triage.case.received import Signal
from services.triage.domain.late_in_view import check_due_at, urgent_ggd_alert_needed, why
from services.triage.domain.timeline import TimelineKind
from services.triage.rules import RuleSet
from services.triage.tables import HouseholdCase, aware
from services.triage.timeline import note

RULE_ID = "late-in-view-eviction-near"
ALERT_DUE = timedelta(hours=24)
BATCH = 100
SETTLED_BY = frozenset({SignalType.EVICTION_EXECUTED, SignalType.EVICTION_CANCELLED, SignalType.FAMILY_FOUND})


class EvictionWatch:
    def __init__(self, runtime: Runtime, rules: RuleSet, alerter: Alerter, window_days: int):
        self._runtime = runtime
        self._rules = rules
        self._alerter = alerter
        self.window_days = window_days

    async def after_signal(
        self, session: AsyncSession, case: HouseholdCase, signal: Signal, raised: list[AlertRaised], now: datetime
    ) -> None:
        """What a signal means for the watch (`raised`: the alerts its routing raised); then look."""
        if isinstance(signal.data, signal_events.EvictionScheduled):
            self.scheduled(case, signal.data.eviction_date, signal.data.signal_id)
            ggd = self._rules.urgent_recipient(case.municipality_code)
            if any(alert.recipient == ggd and alert.priority is Priority.URGENT for alert in raised):
                self.ggd_alerted(case, now)
        elif signal.type in SETTLED_BY:
            self.settled(case, now)
        await self.check_if_due(session, case, now, signal.event_id)

    def scheduled(self, case: HouseholdCase, eviction_date, signal_id: UUID) -> None:
        """A (new) eviction date: the check is due when it comes within the window."""
        if case.eviction_date == eviction_date and case.eviction_check_at is not None:
            return  # the same date again: the check stands as it was
        case.eviction_date = eviction_date
        case.eviction_signal_id = signal_id
        case.eviction_check_at = check_due_at(eviction_date, self.window_days)
        case.eviction_check_done_at = None
        case.eviction_urgent_alerted_at = None
        case.safety_net_plan_on = None  # a plan covers one eviction date

    def settled(self, case: HouseholdCase, now: datetime) -> None:
        """Executed, cancelled or found at the door: nothing left to warn about."""
        if case.eviction_check_done_at is None:
            case.eviction_check_done_at = now

    def ggd_alerted(self, case: HouseholdCase, now: datetime) -> None:
        """The routing rule already sent the GGD an urgent alert about this eviction."""
        case.eviction_urgent_alerted_at = case.eviction_check_done_at = now

    def reopen(self, case: HouseholdCase) -> None:
        """The composition changed: look again unless the GGD was already alerted."""
        if case.eviction_date is not None and case.eviction_urgent_alerted_at is None:
            case.eviction_check_done_at = None

    async def check_if_due(self, session: AsyncSession, case: HouseholdCase, now: datetime, event_id: UUID | None) -> bool:
        """Run the check when its moment has come; True when it raised the urgent alert."""
        due_at = aware(case.eviction_check_at)
        if case.eviction_date is None or due_at is None or due_at > now or case.eviction_check_done_at is not None:
            return False
        case.eviction_check_done_at = now
        needed = urgent_ggd_alert_needed(
            case.is_family, case.safety_net_plan_on, case.eviction_date, now.date(), self.window_days
        )
        facts = {
            "rule": RULE_ID, "eviction_date": case.eviction_date.isoformat(), "window_days": self.window_days,
            "is_family": case.is_family,
            "prevention_contact_on": case.prevention_contact_on.isoformat() if case.prevention_contact_on else None,
            "safety_net_plan_on": case.safety_net_plan_on.isoformat() if case.safety_net_plan_on else None,
        }  # fmt: skip
        if not needed:
            note(session, case.case_key, now, TimelineKind.LATE_IN_VIEW, event_id, {**facts, "alert": False})
            return False
        recipient = self._rules.urgent_recipient(case.municipality_code)
        morning_before = datetime.combine(case.eviction_date - timedelta(days=1), time(8, 0), tzinfo=now.tzinfo)
        spec = AlertSpec(
            recipient=recipient,
            kind=AlertKind.URGENT_OUTREACH,
            priority=Priority.URGENT,
            due=min(now + ALERT_DUE, max(morning_before, now)),
            reason=why(case.eviction_date, self.window_days, case.prevention_contact_on),
            rule_id=RULE_ID,
            trigger=AlertTrigger.EVICTION_NEAR,
            signal_id=case.eviction_signal_id or case.last_signal_id,
            signal_type=SignalType.EVICTION_SCHEDULED,
        )
        note(session, case.case_key, now, TimelineKind.LATE_IN_VIEW, event_id, {**facts, "alert": True, "recipient": recipient})
        self._alerter.raise_alert(session, case, spec, now, event_id)
        case.eviction_urgent_alerted_at = now
        session.add(case)
        return True

    async def check_due(self, now: datetime) -> int:
        """Timer: every case whose eviction came within the window since the last look."""
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(HouseholdCase)
                .where(col(HouseholdCase.eviction_check_at) <= now, col(HouseholdCase.eviction_check_done_at).is_(None))
                .order_by(col(HouseholdCase.eviction_check_at))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            cases = (await session.exec(query)).all()
            for case in cases:
                await self.check_if_due(session, case, now, None)
                session.add(case)
        return len(cases)
