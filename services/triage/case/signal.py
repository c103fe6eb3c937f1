"""Use case: a partner's signal reaches the household's case.

One transaction, with the signal's processed-event row and the outbox rows of what
triage emits (shared.runtime.Runtime.consumer), after the register lookups
(case.looking). Each step in its own module, in this order: the case the signal
belongs to, found or opened (case.keys); too late to act on, or the stage, state and
facts it moves the case on to (case.progress); the family's persons and its earlier
cases at other dwellings (case.family); who lives there, published (case.household);
the facts routing may know (case.facts); who must act (domain.routing) and the alerts
(services.triage.alerting); the eviction coming close (services.triage.eviction_watch);
the shelter request (case.placement). Last, a signal that resolves the problem closes
the episode.

Repeats: a repeated signal alerts again only when it says something new
(domain.repeats, applied in services.triage.alerting).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertRaised, AlertTrigger
from services.triage.case import facts, family, household, keys, progress
from services.triage.case.looking import Looked
from services.triage.case.desk import CaseDesk
from services.triage.case.received import Signal
from services.triage.domain.repeats import ends_episode
from services.triage.domain.routing import HouseholdFacts, SignalFacts
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import HouseholdCase
from services.triage.timeline import note


class SignalTriage(CaseDesk):
    """A partner's signal, taken in and routed (the steps: this module's docstring)."""

    async def read_ahead(self, session: AsyncSession, batch: Sequence[tuple[Signal, Looked]]) -> None:
        """A consumed batch's cases and aliases, read in one query each (case.keys)."""
        await keys.read_ahead(session, self.runtime.pseudonym, [(signal, looked.location) for signal, looked in batch])

    async def apply(self, session: AsyncSession, signal: Signal, looked: Looked) -> None:
        now = self.runtime.clock.now()
        case, opened_now = await keys.case_for(session, self.runtime.pseudonym, signal, looked.location, now)
        received = {"type": signal.type, "signal_id": str(signal.data.signal_id)}
        note(session, case.case_key, now, TimelineKind.SIGNAL, signal.event_id, received)
        case.updated_at = now
        if not opened_now and self.alerter.follow_ups is not None:  # a new case has no prevention alert to follow up
            await self.alerter.follow_ups.observe(session, case.case_key, signal.type, signal.outcome, signal.data.observed_on, now)
        if signal.data.history:
            note(session, case.case_key, now, TimelineKind.HISTORY, signal.event_id, {
                "type": signal.type, "observed_on": signal.data.observed_on.isoformat(),
                "reason": "loaded as history by the signaller: recorded, no alert",
            })  # fmt: skip
            session.add(case)
            return
        moved = progress.move_on(case, signal, self.runtime.organisations.get(signal.data.reported_by), looked.district)
        if moved.late is not None:
            note(session, case.case_key, now, TimelineKind.LATE, signal.event_id, moved.late)
            session.add(case)
            return
        if moved.state_kept is not None:
            note(session, case.case_key, now, TimelineKind.STATE, signal.event_id, moved.state_kept)
        if moved.district_differs is not None:
            note(session, case.case_key, now, TimelineKind.DISTRICT, signal.event_id, moved.district_differs)
        repeat = await family.follow(session, case, signal, looked.assessment.persons, now, opened_now=opened_now)
        household.take_in(self.runtime, session, case, signal, looked.assessment, now, repeat)
        signal_facts, household_facts = facts.for_routing(case, signal)
        raised = await self._route(session, case, signal, signal_facts, household_facts, opened_now, now)
        await self.watch.after_signal(session, case, signal, raised, now)
        await self.placement.after_signal(session, case, signal, opened_now, now)
        if ends_episode(signal.type, signal.outcome):
            _start_new_episode(case)
        session.add(case)

    async def _route(
        self, session: AsyncSession, case: HouseholdCase, signal: Signal,
        signal_facts: SignalFacts, household_facts: HouseholdFacts, opened_now: bool, now: datetime,
    ) -> list[AlertRaised]:  # fmt: skip
        decision, rules = await self.book.route(session, signal_facts, household_facts, now)
        trace = {**decision.trace, "recipient": decision.recipient} if decision else {"rule": None, "reason": "no rule matched", "rules": rules}
        note(session, case.case_key, now, TimelineKind.DECISION, signal.event_id, trace)
        if decision is None or not decision.alerts:
            return []
        return await self.alerter.raise_decision(
            session, case, decision, signal_facts,
            trigger=AlertTrigger.SIGNAL, signal_id=signal.data.signal_id, event_id=signal.event_id, now=now,
            arrears=signal.arrears, new_case=opened_now,
        )  # fmt: skip


def _start_new_episode(case: HouseholdCase) -> None:
    """The problem is resolved (domain.repeats): what comes after is a new story, with its
    own alerts and contacts. Last, since routing, the alerts, the eviction watch and the
    placement read the episode that ends."""
    case.episode += 1
    case.last_alerted_arrears_months = case.last_alerted_arrears_amount = None
    case.prevention_contact_on = None
    case.safety_net_plan_on = None
    case.placement_requested_at = None
    case.last_chance = False
