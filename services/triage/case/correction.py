"""Use case: a team corrects who lives there (the hidden family, docs/domain.md#the-hidden-family-utrecht).

A father evicted for subletting declared he lived alone; his 16-year-old
daughter was staying with relatives. The register, the bailiff and the night
shelter all saw a single man. When the GGD or the prevention team that has the
case learns otherwise, it corrects the composition: who and why are recorded
on the timeline (the signaller is not blamed: nothing is written about it), and
if the household now is a family the case is routed again on its last signal,
so the alerts, the placement request and the eviction check a family needs
follow at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertRaised, AlertTrigger, CompositionSource
from services.triage.case.facts import household_facts, last_signal_facts
from services.triage.case.household import correct_composition, emit_assessment
from services.triage.case.desk import CaseDesk
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import HouseholdCase
from services.triage.timeline import note


@dataclass(frozen=True)
class Correction:
    adults: int
    children_ages: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class CorrectionRecorded:
    is_family: bool
    persons: int
    minors: int
    alerts_raised: list[UUID]
    placement_requested: bool


class CompositionDesk(CaseDesk):
    """A team's correction of who lives there; a household that now is a family is routed again."""

    async def correct(self, session: AsyncSession, case: HouseholdCase, by: str, correction: Correction) -> CorrectionRecorded:
        now = self.runtime.clock.now()
        before = correct_composition(case, correction.adults, correction.children_ages, now)
        note(session, case.case_key, now, TimelineKind.COMPOSITION, None, {
            "corrected_by": by, "reason": correction.reason, "before": before,
            "after": {"is_family": case.is_family, "persons": case.persons, "minors": case.minors},
        })  # fmt: skip
        emit_assessment(
            self.runtime, session, case, case.last_signal_id, CompositionSource.REPORTED_BY_CASE_WORKER,
            now.date(), None, now, corrected_by=by,
        )  # fmt: skip
        raised, placed = [], False
        if case.is_family and before["is_family"] is not True:
            raised, placed = await self._reevaluate(session, case, now)
        session.add(case)
        return CorrectionRecorded(case.is_family, case.persons, case.minors, [a.alert_id for a in raised], placed)

    async def _reevaluate(self, session: AsyncSession, case: HouseholdCase, now: datetime) -> tuple[list[AlertRaised], bool]:
        """Now a family: route the last signal again, ask for a place, look at the eviction again."""
        raised: list[AlertRaised] = []
        placed = False
        facts = last_signal_facts(case)
        if facts is not None:
            decision, rules = await self.book.route(session, facts, household_facts(case), now)
            trace = decision.trace if decision else {"rule": None, "reason": "no rule matched", "rules": rules}
            note(session, case.case_key, now, TimelineKind.DECISION, None, {
                **trace, "trigger": AlertTrigger.COMPOSITION_CORRECTED, "recipient": decision.recipient if decision else None,
            })  # fmt: skip
            if decision is not None and decision.alerts:
                raised = await self.alerter.raise_decision(
                    session, case, decision, facts, trigger=AlertTrigger.COMPOSITION_CORRECTED,
                    signal_id=case.last_signal_id, event_id=None, now=now,
                )  # fmt: skip
            placed = self.placement.ask_if_needed(
                session, case, facts.signal_type, facts.outcome, case.last_signal_id, None, None, now
            )
        self.watch.reopen(case)
        await self.watch.check_if_due(session, case, now, None)
        return raised, placed
