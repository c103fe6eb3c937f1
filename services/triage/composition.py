"""A later correction of who lives there (the hidden family, docs/domain.md#the-hidden-family-utrecht).

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
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertTrigger, CompositionSource
from shared.runtime import Runtime
from services.triage.alerting import Alerter, note
from services.triage.domain.routing import route
from services.triage.eviction_watch import EvictionWatch
from services.triage.handlers import PlacementAsker, emit_assessment, facts_from_json, household_facts
from services.triage.rules import RuleSet
from services.triage.tables import HouseholdCase


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


class CompositionDesk:
    def __init__(self, runtime: Runtime, rules: RuleSet, alerter: Alerter, watch: EvictionWatch):
        self._runtime = runtime
        self._rules = rules
        self._alerter = alerter
        self._watch = watch
        self._placement = PlacementAsker(runtime, rules)

    async def correct(self, session: AsyncSession, case: HouseholdCase, by: str, correction: Correction) -> CorrectionRecorded:
        now = self._runtime.clock.now()
        before = {"is_family": case.is_family, "persons": case.persons, "minors": case.minors, "source": case.composition_source}
        ages = sorted(correction.children_ages)
        case.persons = correction.adults + len(ages)
        case.minors = len(ages)
        case.minor_ages = ages
        case.is_family = case.persons >= 2 and case.minors >= 1  # the study's definition (docs/domain.md#what-counts-as-a-family)
        case.uncertain = []
        case.composition_source = CompositionSource.REPORTED_BY_CASE_WORKER.value
        case.assessed_on = now.date()
        case.updated_at = now
        note(session, case.case_key, now, "composition", None, {
            "corrected_by": by, "reason": correction.reason, "before": before,
            "after": {"is_family": case.is_family, "persons": case.persons, "minors": case.minors},
        })  # fmt: skip
        emit_assessment(
            self._runtime, session, case, case.last_signal_id, CompositionSource.REPORTED_BY_CASE_WORKER,
            now.date(), None, now, corrected_by=by,
        )  # fmt: skip
        raised, placed = [], False
        if case.is_family and before["is_family"] is not True:
            raised, placed = await self._reevaluate(session, case, now)
        session.add(case)
        return CorrectionRecorded(case.is_family, case.persons, case.minors, [a.alert_id for a in raised], placed)

    async def _reevaluate(self, session: AsyncSession, case: HouseholdCase, now):
        """Now a family: route the last signal again, ask for a place, look at the eviction again."""
        raised = []
        placed = False
        if case.last_signal_facts:
            facts = facts_from_json(case.last_signal_facts)
            decision = route(facts, household_facts(case), self._rules.rules, now)
            trace = decision.trace if decision else {"rule": None, "reason": "no rule matched"}
            note(session, case.case_key, now, "decision", None, {**trace, "trigger": AlertTrigger.COMPOSITION_CORRECTED.value,
                                                             "recipient": decision.recipient if decision else None})  # fmt: skip
            if decision is not None and decision.alerts:
                raised = await self._alerter.raise_decision(
                    session, case, decision, facts, trigger=AlertTrigger.COMPOSITION_CORRECTED,
                    signal_id=case.last_signal_id, event_id=None, now=now,
                )  # fmt: skip
            placed = self._placement.ask_if_needed(
                session, case, facts.signal_type, facts.outcome, case.last_signal_id, None, None, now
            )
        self._watch.reopen(case)
        await self._watch.check_if_due(session, case, now, None)
        return raised, placed
