"""Use case: a partner's signal reaches the household's case.

One transaction, with the signal's processed-event row and the outbox rows of what
triage emits (shared.runtime.Runtime.consumer), after the register lookups
(case.looking). In order: the case the signal belongs to (case.keys), opened when
new; too late to act on or not (case.progress); what the signal changes on the case
(case.household, case.progress, case.facts); who must act (domain.routing) and the
alerts (services.triage.alerting); the eviction coming close (eviction_watch); the
shelter request (case.placement); the episode it may close.

Repeats: a repeated signal alerts again only when it says something new
(domain.repeats, applied in services.triage.alerting).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertRaised, AlertTrigger
from shared.runtime import Runtime
from services.triage.alerting import Alerter
from services.triage.case import facts as routing
from services.triage.case import household, progress
from services.triage.case.keys import case_key_for
from services.triage.case.looking import Looked
from services.triage.case.placement import PlacementAsker
from services.triage.case.received import Signal
from services.triage.domain.case import implied_state
from services.triage.domain.routing import SignalFacts, route
from services.triage.domain.timeline import TimelineKind
from services.triage.eviction_watch import EvictionWatch
from services.triage.rules import RuleSet
from services.triage.tables import HouseholdCase
from services.triage.timeline import note


class SignalTriage:
    def __init__(self, runtime: Runtime, rules: RuleSet, alerter: Alerter, watch: EvictionWatch, placement: PlacementAsker):
        self._runtime = runtime
        self._rules = rules
        self._alerter = alerter
        self._watch = watch
        self._placement = placement

    async def apply(self, session: AsyncSession, signal: Signal, looked: Looked) -> None:
        now = self._runtime.clock.now()
        case_key = await case_key_for(session, self._runtime.pseudonym, signal, looked.location, now)
        case = await session.get(HouseholdCase, case_key)
        opened_now = case is None  # nothing of this case is stored yet: no reports, no requests to look for
        if case is None:
            case = progress.open_case(case_key, signal.data.municipality_code, now)
        note(session, case_key, now, TimelineKind.SIGNAL, signal.event_id, {"type": signal.type, "signal_id": str(signal.data.signal_id)})
        case.updated_at = now
        late = progress.arrived_late(case, signal)
        if late is not None:
            note(session, case_key, now, TimelineKind.LATE, signal.event_id, late)
        else:
            facts = self._take_in(session, case, signal, looked, now)
            raised = await self._route(session, case, signal, facts, opened_now, now)
            await self._watch.after_signal(session, case, signal, raised, now)
            await self._placement.after_signal(session, case, signal, opened_now, now)
            progress.close_episode_if_resolved(case, signal)
        session.add(case)

    def _take_in(self, session: AsyncSession, case: HouseholdCase, signal: Signal, looked: Looked, now: datetime) -> SignalFacts:
        """What the signal changes on the case; returns the facts routing may know."""
        progress.advance_stage(case, signal)
        household.take_composition(case, looked.assessment.household, looked.assessment.source, signal.reference_date)
        target = implied_state(signal.type, signal.outcome)
        if not progress.move_state(case, target, signal.type):
            note(session, case.case_key, now, TimelineKind.STATE, signal.event_id, {"kept": case.state, "implied": target})
        progress.remember(case, signal, self._runtime.organisations.get(signal.data.reported_by))
        facts = routing.signal_facts(signal, case)
        routing.keep_last_signal(case, signal.data.signal_id, facts)
        household.emit_assessment(
            self._runtime, session, case, signal.data.signal_id, looked.assessment.source, signal.reference_date,
            signal.event_id, now,
        )  # fmt: skip
        return facts

    async def _route(
        self, session: AsyncSession, case: HouseholdCase, signal: Signal, facts: SignalFacts, opened_now: bool, now: datetime
    ) -> list[AlertRaised]:
        decision = route(facts, routing.household_facts(case), self._rules.rules, now)
        trace = {**decision.trace, "recipient": decision.recipient} if decision else {"rule": None, "reason": "no rule matched"}
        note(session, case.case_key, now, TimelineKind.DECISION, signal.event_id, trace)
        if decision is None or not decision.alerts:
            return []
        return await self._alerter.raise_decision(
            session, case, decision, facts,
            trigger=AlertTrigger.SIGNAL, signal_id=signal.data.signal_id, event_id=signal.event_id, now=now,
            arrears=signal.arrears, new_case=opened_now,
        )  # fmt: skip
