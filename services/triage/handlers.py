"""Triage's reactions: a signal opens or updates the household's case, is routed,
and may raise an alert and a placement request; placement events update the case.

Each reaction runs in one transaction with its processed-event row and outbox
rows (see shared.runtime.Runtime.consumer). The register lookup runs before
that transaction (`Prepared`), so no transaction waits on HTTP.
"""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.bus.consumer import Unprocessable
from shared.contracts import event_types
from shared.contracts.envelope import Event
from shared.contracts.events import placement as placement_events
from shared.contracts.events import signals as signal_events
from shared.contracts.events.triage import AlertRaised, CompositionSource, HouseholdAssessed, PlacementRequested
from shared.persistence.inbox import Prepared
from shared.privacy import SealBroken
from shared.runtime import Runtime
from services.triage.assessment import Assessment, HouseholdLookup
from services.triage.domain.case import CaseState, implied_state, next_state
from services.triage.domain.household import HouseholdAssessment
from services.triage.domain.placement import placement_needed
from services.triage.domain.routing import HouseholdFacts, SignalFacts, route
from services.triage.rules import RuleSet
from services.triage.tables import Alert, CaseEntry, HouseholdCase

log = logging.getLogger(__name__)


class SignalTriage:
    def __init__(self, runtime: Runtime, lookup: HouseholdLookup, rules: RuleSet):
        self._runtime = runtime
        self._lookup = lookup
        self._rules = rules

    def handlers(self) -> dict[str, Prepared]:
        prepared = Prepared(prepare=self.assess, apply=self.apply)
        return {model.event_type: prepared for model in _SIGNAL_MODELS}

    async def assess(self, event: Event) -> Assessment:
        signal = event.data
        if isinstance(signal, signal_events.FamilyFoundAtEviction):
            return _reported_at_the_door(signal)
        try:
            dwelling = self._runtime.address_seal.open(signal.sealed_address)
        except SealBroken as exc:
            raise Unprocessable(str(exc)) from None
        return await self._lookup.assess(dwelling, _reference_date(signal), case_key=event.subject)

    async def apply(self, session: AsyncSession, event: Event, assessment: Assessment) -> None:
        signal: signal_events.SignalData = event.data
        now = self._runtime.clock.now()
        signal_type = event_types.short_name(event.type)
        case = await session.get(HouseholdCase, event.subject)
        if case is None:
            case = HouseholdCase(
                case_key=event.subject,
                municipality_code=signal.municipality_code,
                state=CaseState.SIGNALLED.value,
                opened_at=now,
                updated_at=now,
            )
        household = _best_known(case, assessment)
        _note(session, case.case_key, now, "signal", event, {"type": signal_type, "signal_id": str(signal.signal_id)})

        _apply_composition(case, household, assessment.source, signal)
        outcome = getattr(signal, "outcome", None)
        target = implied_state(signal_type, outcome.value if outcome else None)
        state, moved = next_state(CaseState(case.state), target)
        if not moved:
            _note(session, case.case_key, now, "state", event, {"kept": case.state, "implied": target.value})
        case.state = state.value
        case.district = signal.district or case.district
        if isinstance(signal, signal_events.ArrearsReported):
            case.last_arrears_months = signal.months
        case.updated_at = now

        facts = _facts(signal_type, signal)
        household_facts = HouseholdFacts(is_family=household.is_family, persons=household.persons, minors=household.minors)
        decision = route(facts, household_facts, self._rules.rules, now)
        assessed = HouseholdAssessed(
            signal_id=signal.signal_id,
            persons=household.persons,
            minors=household.minors,
            minor_ages=list(household.minor_ages),
            is_family=household.is_family,
            uncertain=list(household.uncertain),
            source=assessment.source,
            assessed_on=_reference_date(signal),
            municipality_code=signal.municipality_code,
            district=case.district,
        )
        self._runtime.emit(session, assessed, subject=case.case_key)
        _note(session, case.case_key, now, "assessment", event, assessed.model_dump(mode="json", exclude={"signal_id"}))

        if decision is None:
            _note(session, case.case_key, now, "decision", event, {"rule": None, "reason": "no rule matched"})
        else:
            _note(session, case.case_key, now, "decision", event, {**decision.trace, "recipient": decision.recipient})
        if decision is not None and decision.alerts:
            alert = AlertRaised(
                alert_id=uuid4(),
                signal_id=signal.signal_id,
                signal_type=signal_type,
                recipient=decision.recipient,
                kind=decision.kind,
                priority=decision.priority,
                due=decision.due,
                reason=decision.reason,
                rule_id=decision.rule_id,
                is_family=household.is_family,
                persons=household.persons,
                minors=household.minors,
                minor_ages=list(household.minor_ages),
                municipality_code=signal.municipality_code,
                district=case.district,
            )
            self._runtime.emit(session, alert, subject=case.case_key)
            session.add(
                Alert(
                    alert_id=alert.alert_id,
                    case_key=case.case_key,
                    signal_id=signal.signal_id,
                    recipient=alert.recipient,
                    kind=alert.kind.value,
                    priority=alert.priority.value,
                    due=alert.due,
                    rule_id=alert.rule_id,
                    raised_at=now,
                )
            )
            _note(session, case.case_key, now, "alert", event, {"alert_id": str(alert.alert_id), "recipient": alert.recipient, "priority": alert.priority.value})

        self._request_placement(session, event, signal_type, household, case, now)
        session.add(case)

    def _request_placement(self, session, event, signal_type, household, case, now) -> None:
        signal = event.data
        adults = signal.adults if isinstance(signal, signal_events.FamilyFoundAtEviction) else household.persons - household.minors
        outcome = getattr(signal, "outcome", None)
        ask = placement_needed(
            signal_type, outcome.value if outcome else None, household.is_family, adults, tuple(household.minor_ages)
        )
        if ask is None:
            return
        lead = self._rules.placement_lead(signal.municipality_code)
        request = PlacementRequested(
            request_id=uuid4(),
            signal_id=signal.signal_id,
            requested_by=lead,
            adults=ask.adults,
            children_ages=list(ask.children_ages),
            family_type=ask.family_type,
            need=ask.need,
            municipality_code=signal.municipality_code,
            reason=ask.reason,
        )
        self._runtime.emit(session, request, subject=case.case_key)
        case.case_lead = lead
        _note(session, case.case_key, now, "placement", event, {"request_id": str(request.request_id), "requested_by": lead})


class PlacementFollowUp:
    """Placement events update the case: confirmation hands the lead to the shelter."""

    def __init__(self, runtime: Runtime):
        self._runtime = runtime

    def handlers(self):
        types = (
            event_types.PLACEMENT_CONFIRMED,
            event_types.PLACEMENT_WAITLISTED,
            event_types.PLACEMENT_DECLINED,
            event_types.PLACEMENT_OFFERED,
            event_types.PLACEMENT_LOST_FROM_VIEW,
            event_types.PLACEMENT_ENDED,
        )
        return {event_type: self.apply for event_type in types}

    async def apply(self, session: AsyncSession, event: Event) -> None:
        case = await session.get(HouseholdCase, event.subject)
        if case is None:
            return  # a request GGD made over HTTP without a signal: placement owns it
        now = self._runtime.clock.now()
        data = event.data
        if isinstance(data, placement_events.PlacementConfirmed):
            case.case_lead = data.case_lead
            case.state, _ = next_state(CaseState(case.state), CaseState.PLACED)
        elif isinstance(data, placement_events.PlacementLostFromView):
            case.state, _ = next_state(CaseState(case.state), CaseState.LOST_FROM_VIEW)
        case.updated_at = now
        session.add(case)
        _note(session, case.case_key, now, "placement", event, {"type": event_types.short_name(event.type), "request_id": str(data.request_id)})


_SIGNAL_MODELS = (
    signal_events.ArrearsReported,
    signal_events.ArrearsResolved,
    signal_events.VerdictIssued,
    signal_events.EvictionScheduled,
    signal_events.EvictionCancelled,
    signal_events.EvictionExecuted,
    signal_events.FamilyFoundAtEviction,
)


def _reference_date(signal: signal_events.SignalData) -> date:
    return getattr(signal, "eviction_date", None) or signal.observed_on


def _reported_at_the_door(signal: signal_events.FamilyFoundAtEviction) -> Assessment:
    ages = tuple(sorted(signal.children_ages))
    household = HouseholdAssessment(
        persons=signal.adults + len(ages), minors=len(ages), minor_ages=ages, is_family=True, uncertain=()
    )
    return Assessment(household, CompositionSource.REPORTED_AT_EVICTION)


def _best_known(case: HouseholdCase, assessment: Assessment) -> HouseholdAssessment:
    """With the register away, keep what the case already knew rather than forget a family."""
    if assessment.source is CompositionSource.UNKNOWN and case.composition_source != CompositionSource.UNKNOWN.value:
        return HouseholdAssessment(
            persons=case.persons,
            minors=case.minors,
            minor_ages=tuple(case.minor_ages),
            is_family=case.is_family,
            uncertain=("register_unavailable_used_earlier_assessment",),
        )
    return assessment.household


def _apply_composition(case: HouseholdCase, household: HouseholdAssessment, source: CompositionSource, signal) -> None:
    if source is CompositionSource.UNKNOWN and case.composition_source != CompositionSource.UNKNOWN.value:
        return
    if case.is_family is True and household.is_family is False and source is CompositionSource.REGISTER:
        # People at the door saw children the register did not show: keep the family in view.
        if case.composition_source == CompositionSource.REPORTED_AT_EVICTION.value:
            return
    case.is_family = household.is_family
    case.persons = household.persons
    case.minors = household.minors
    case.minor_ages = list(household.minor_ages)
    case.composition_source = source.value
    case.assessed_on = _reference_date(signal)


def _facts(signal_type: str, signal) -> SignalFacts:
    grounds = getattr(signal, "grounds", None)
    outcome = getattr(signal, "outcome", None)
    return SignalFacts(
        signal_type=signal_type,
        municipality_code=signal.municipality_code,
        district=signal.district,
        observed_on=signal.observed_on,
        arrears_months=getattr(signal, "months", None),
        grounds=grounds.value if grounds else None,
        last_chance=bool(getattr(signal, "last_chance", False)),
        outcome=outcome.value if outcome else None,
        eviction_date=getattr(signal, "eviction_date", None),
    )


def _note(session: AsyncSession, case_key: str, at, kind: str, event: Event, summary: dict) -> None:
    session.add(CaseEntry(case_key=case_key, at=at, kind=kind, event_id=event.id, summary=summary))
