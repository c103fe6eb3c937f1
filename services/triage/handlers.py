"""Triage's reactions: a signal opens or updates the household's case, is routed,
and may raise alerts and a placement request; placement events update the case.

Each reaction runs in one transaction with its processed-event row and outbox
rows (see shared.runtime.Runtime.consumer). The register lookup runs before
that transaction (`Prepared`), so no transaction waits on HTTP.

Order and repeats: a signal observed before the case reached a later stage is
recorded as late and alerts no one (domain.sequence); a repeated signal alerts
again only when it says something new (domain.repeats, in services.triage.alerting).

A signal without a BAG id (keyed on its postcode address) joins the dwelling's
case once the register tells the BAG id (domain.case_key); the events triage
emits about it carry that case's key.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from datetime import date
from uuid import uuid4

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import record_system_read
from shared.bus.consumer import Unprocessable
from shared.contracts import event_types
from shared.contracts.envelope import Event
from shared.contracts.events import placement as placement_events
from shared.contracts.events import signals as signal_events
from shared.contracts.events.triage import (
    AlertTrigger,
    CompositionSource,
    HouseholdAssessed,
    PlacementRequested,
    PlacementWithdrawn,
    Priority,
)
from shared.entitlement import request_belongs_to_case
from shared.organisations import Role
from shared.persistence.inbox import Prepared
from shared.privacy import SealBroken
from shared.runtime import Runtime
from services.triage.alerting import Alerter, note
from services.triage.assessment import Assessment, HouseholdLookup, Location
from services.triage.domain.case import CaseState, implied_state, next_state
from services.triage.domain.household import HouseholdAssessment, unknown_composition
from services.triage.domain.case_key import choose_case_key
from services.triage.domain.placement import placement_needed, starts_new_story, withdrawal_reason
from services.triage.domain.repeats import ArrearsLevel, ends_episode
from services.triage.domain.routing import HouseholdFacts, SignalFacts, route
from services.triage.domain.sequence import is_late, next_stage
from services.triage.eviction_watch import EvictionWatch
from services.triage.rules import RuleSet
from services.triage.tables import CaseAlias, HouseholdCase, PlacementAskRecord

log = logging.getLogger(__name__)

REGISTER_CLIENT = "signaalketen-register-client"  # triage's client at the register (deploy/keycloak/realm.py)
# Where the family was seen by people, not read from the register: a register
# answer without children does not undo it (they may not be registered there).
SEEN_BY_PEOPLE = frozenset({CompositionSource.REPORTED_AT_EVICTION.value, CompositionSource.REPORTED_BY_CASE_WORKER.value})


@dataclass(frozen=True)
class Looked:
    """What triage learnt before its transaction: the household, and where the dwelling is."""

    assessment: Assessment
    location: Location | None = None  # None: the seal could not be opened (a family found at the door)


class SignalTriage:
    def __init__(self, runtime: Runtime, lookup: HouseholdLookup, rules: RuleSet, alerter: Alerter, watch: EvictionWatch):
        self._runtime = runtime
        self._lookup = lookup
        self._rules = rules
        self._alerter = alerter
        self._watch = watch
        self._placement = PlacementAsker(runtime, rules)

    def handlers(self) -> dict[str, Prepared]:
        prepared = Prepared(prepare=self.assess, apply=self.apply)
        return {model.event_type: prepared for model in _SIGNAL_MODELS}

    async def assess(self, event: Event) -> Looked:
        signal = event.data
        at_the_door = isinstance(signal, signal_events.FamilyFoundAtEviction)
        try:
            dwelling = self._runtime.address_seal.open(signal.sealed_address)
        except SealBroken as exc:
            if at_the_door:  # people saw the family: the signal stands on its own key
                return Looked(_reported_at_the_door(signal))
            raise Unprocessable(str(exc)) from None
        location = await self._lookup.locate(dwelling, case_key=event.subject)
        if at_the_door:
            return Looked(_reported_at_the_door(signal), location)
        if location.object_id is None:
            return Looked(Assessment(_unlocated(location.reason), CompositionSource.UNKNOWN), location)
        dwelling = replace(dwelling, adresseerbaar_object_id=location.object_id)
        return Looked(await self._lookup.assess(dwelling, reference_date(signal), case_key=event.subject), location)

    async def apply(self, session: AsyncSession, event: Event, looked: Looked) -> None:
        signal: signal_events.SignalData = event.data
        assessment = looked.assessment
        now = self._runtime.clock.now()
        signal_type = event_types.short_name(event.type)
        case_key = await self._case_key(session, event, looked.location, now)
        case = await session.get(HouseholdCase, case_key)
        opened_now = case is None  # nothing of this case is stored yet: no reports, no requests to look for
        if case is None:
            case = HouseholdCase(
                case_key=case_key,
                municipality_code=signal.municipality_code,
                state=CaseState.SIGNALLED.value,
                opened_at=now,
                updated_at=now,
            )
        note(session, case.case_key, now, "signal", event.id, {"type": signal_type, "signal_id": str(signal.signal_id)})
        case.updated_at = now
        if signal.history:
            note(session, case.case_key, now, "history", event.id, {
                "type": signal_type, "observed_on": signal.observed_on.isoformat(),
                "reason": "loaded as history by the signaller: recorded, no alert",
            })  # fmt: skip
            session.add(case)
            return
        if is_late(signal_type, signal.observed_on, case.stage, case.stage_on):
            note(session, case.case_key, now, "late", event.id, {
                "type": signal_type, "observed_on": signal.observed_on.isoformat(),
                "case_stage_on": case.stage_on.isoformat(),
                "reason": "observed before the case reached a later stage: recorded, no alert",
            })  # fmt: skip
            session.add(case)
            return
        case.stage, case.stage_on = next_stage(signal_type, signal.observed_on, case.stage_on)

        _apply_composition(case, _best_known(case, assessment), assessment.source, signal)
        outcome = getattr(signal, "outcome", None)
        outcome = outcome.value if outcome else None
        target = implied_state(signal_type, outcome)
        state, moved = next_state(CaseState(case.state), target, signal_type)
        if not moved:
            note(session, case.case_key, now, "state", event.id, {"kept": case.state, "implied": target.value})
        case.state = state.value
        case.district = signal.district or case.district
        self._remember(case, signal)

        facts = _facts(signal_type, signal, case)
        case.last_signal_id, case.last_signal_type = signal.signal_id, signal_type
        case.last_signal_facts = facts_to_json(facts)
        emit_assessment(self._runtime, session, case, signal.signal_id, assessment.source, reference_date(signal), event.id, now)
        audit_register_read(session, case.case_key, assessment, signal, signal_type, event, now)

        decision = route(facts, household_facts(case), self._rules.rules, now)
        if decision is None:
            note(session, case.case_key, now, "decision", event.id, {"rule": None, "reason": "no rule matched"})
        else:
            note(session, case.case_key, now, "decision", event.id, {**decision.trace, "recipient": decision.recipient})
        raised = []
        if decision is not None and decision.alerts:
            arrears = (
                ArrearsLevel(signal.months, signal.amount_eur) if isinstance(signal, signal_events.ArrearsReported) else None
            )
            raised = await self._alerter.raise_decision(
                session, case, decision, facts,
                trigger=AlertTrigger.SIGNAL, signal_id=signal.signal_id, event_id=event.id, now=now, arrears=arrears,
                new_case=opened_now,
            )  # fmt: skip

        await self._watch_eviction(session, case, signal, signal_type, raised, event.id, now)
        adults = signal.adults if isinstance(signal, signal_events.FamilyFoundAtEviction) else None
        self._placement.ask_if_needed(session, case, signal_type, outcome, signal.signal_id, adults, event.id, now)
        if not opened_now:
            await self._placement.withdraw_if_reversed(session, case, signal_type, outcome, signal.signal_id, event.id, now)
        if ends_episode(signal_type, outcome):
            _start_new_episode(case)
        session.add(case)

    async def _case_key(self, session: AsyncSession, event: Event, location: Location | None, now) -> str:
        """The case this signal belongs to (domain.case_key), the alias recorded when new."""
        signal_key = event.subject
        object_id = location.object_id if location is not None else None
        dwelling_key = self._runtime.pseudonym(object_id) if object_id else None
        alias = await session.get(CaseAlias, signal_key) if dwelling_key != signal_key else None
        choice = choose_case_key(signal_key, dwelling_key, alias.case_key if alias else None)
        if choice.new_alias:
            if alias is None:
                alias = CaseAlias(alias_key=signal_key, case_key=choice.case_key, recorded_at=now)
            alias.case_key, alias.recorded_at = choice.case_key, now
            session.add(alias)
            note(session, choice.case_key, now, "joined", event.id, {
                "signal_key": signal_key, "reason": "signalled by postcode address; the register told the dwelling",
            })  # fmt: skip
            if await session.get(HouseholdCase, signal_key) is not None:
                # Opened on the postcode key while the dwelling was unknown: not merged, pointed onwards.
                note(session, signal_key, now, "joined", event.id, {"continued_in": choice.case_key})
        elif choice.case_key != signal_key:
            note(session, choice.case_key, now, "joined", event.id, {"signal_key": signal_key, "how": choice.how})
        elif location is not None and location.reason is not None:
            note(session, signal_key, now, "unlocated", event.id, {"reason": location.reason})
        return choice.case_key

    def _remember(self, case: HouseholdCase, signal: signal_events.SignalData) -> None:
        """What later rules need to know about the case: corporation, last chance, arrears."""
        organisation = self._runtime.organisations.get(signal.reported_by)
        if organisation is not None and organisation.role is Role.CORPORATION:
            case.corporation = organisation.id
        if isinstance(signal, signal_events.VerdictIssued):
            case.last_chance = signal.last_chance
        if isinstance(signal, signal_events.ArrearsReported):
            case.last_arrears_months = signal.months

    async def _watch_eviction(self, session, case, signal, signal_type, raised, event_id, now) -> None:
        if isinstance(signal, signal_events.EvictionScheduled):
            self._watch.scheduled(case, signal.eviction_date, signal.signal_id)
            ggd = self._rules.urgent_recipient(case.municipality_code)
            if any(alert.recipient == ggd and alert.priority is Priority.URGENT for alert in raised):
                self._watch.ggd_alerted(case, now)
        elif signal_type in ("eviction.executed", "eviction.cancelled", "eviction.family-found"):
            self._watch.settled(case, now)
        await self._watch.check_if_due(session, case, now, event_id)


class PlacementAsker:
    """A family evicted or found at the door needs a place tonight: ask once per episode."""

    def __init__(self, runtime: Runtime, rules: RuleSet):
        self._runtime = runtime
        self._rules = rules

    def ask_if_needed(self, session, case, signal_type, outcome, signal_id, adults, event_id, now) -> bool:
        if adults is None:
            adults = case.persons - case.minors
        ask = placement_needed(signal_type, outcome, case.is_family, adults, tuple(case.minor_ages))
        if ask is None:
            return False
        if case.placement_requested_at is not None:
            note(session, case.case_key, now, "placement", event_id, {"reason": ask.reason, "skipped": "already requested"})
            return False
        lead = self._rules.placement_lead(case.municipality_code)
        request = PlacementRequested(
            request_id=uuid4(),
            signal_id=signal_id,
            requested_by=lead,
            adults=ask.adults,
            children_ages=list(ask.children_ages),
            family_type=ask.family_type,
            need=ask.need,
            municipality_code=case.municipality_code,
            reason=ask.reason,
        )
        self._runtime.emit(session, request, subject=case.case_key)
        session.add(PlacementAskRecord(request_id=request.request_id, case_key=case.case_key, asked_at=now))
        case.case_lead = lead
        case.placement_requested_at = now
        note(session, case.case_key, now, "placement", event_id, {"request_id": str(request.request_id), "requested_by": lead})
        return True

    async def withdraw_if_reversed(self, session, case, signal_type, outcome, signal_id, event_id, now) -> int:
        """The eviction was reversed: withdraw every request this case still has open
        for that eviction (not those of an earlier eviction a new story came after).

        Placement decides what that means (off the list, the offer released, or too
        late when the family is placed already) and answers on the placement topic."""
        reason = withdrawal_reason(signal_type, outcome)
        if reason is None and not starts_new_story(signal_type):
            return 0
        query = select(PlacementAskRecord).where(
            PlacementAskRecord.case_key == case.case_key,
            col(PlacementAskRecord.withdrawn_at).is_(None),
            col(PlacementAskRecord.superseded_at).is_(None),
        )
        asks = (await session.exec(query.order_by(col(PlacementAskRecord.asked_at)))).all()
        if reason is None:
            # The eviction these were asked for took place; a later reversal is about the next one.
            for ask in asks:
                ask.superseded_at = now
                session.add(ask)
            return 0
        requested_by = self._rules.placement_lead(case.municipality_code)
        for ask in asks:
            withdrawal = PlacementWithdrawn(
                request_id=ask.request_id,
                signal_id=signal_id,
                requested_by=requested_by,
                municipality_code=case.municipality_code,
                reason=reason,
            )
            self._runtime.emit(session, withdrawal, subject=case.case_key)
            ask.withdrawn_at, ask.withdrawal_reason = now, reason.value
            session.add(ask)
            note(session, case.case_key, now, "placement", event_id, {
                "request_id": str(ask.request_id), "withdrawn": reason.value,
            })  # fmt: skip
        return len(asks)


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
            event_types.PLACEMENT_WITHDRAWAL_HANDLED,
        )
        return {event_type: self.apply for event_type in types}

    async def apply(self, session: AsyncSession, event: Event) -> None:
        case = await session.get(HouseholdCase, event.subject)
        if case is None:
            return  # a request GGD made over HTTP without a signal: placement owns it
        data = event.data
        ask = await session.get(PlacementAskRecord, data.request_id)
        requester = self._runtime.organisations.get(data.requested_by)
        asked_here = ask is not None and ask.case_key == case.case_key
        if not request_belongs_to_case(requester, case.municipality_code, asked_here):
            log.warning("placement event %s: request %s was not made for this case's region; ignored", event.id, data.request_id)
            return
        now = self._runtime.clock.now()
        if isinstance(data, placement_events.PlacementConfirmed):
            case.case_lead = data.case_lead
            case.state, _ = next_state(CaseState(case.state), CaseState.PLACED)
        elif isinstance(data, placement_events.PlacementLostFromView):
            case.state, _ = next_state(CaseState(case.state), CaseState.LOST_FROM_VIEW)
        summary = {"type": event_types.short_name(event.type), "request_id": str(data.request_id)}
        if isinstance(data, placement_events.PlacementWithdrawalHandled):
            summary["outcome"] = data.outcome.value
            if data.outcome is placement_events.WithdrawalOutcome.TOO_LATE:
                summary["reason"] = "withdrawal came too late: the family is placed, the placement stands"
            if ask is not None:
                ask.outcome = data.outcome.value
                session.add(ask)
        case.updated_at = now
        session.add(case)
        note(session, case.case_key, now, "placement", event.id, summary)


_SIGNAL_MODELS = (
    signal_events.ArrearsReported,
    signal_events.ArrearsResolved,
    signal_events.VerdictIssued,
    signal_events.EvictionScheduled,
    signal_events.EvictionCancelled,
    signal_events.EvictionExecuted,
    signal_events.FamilyFoundAtEviction,
)


def reference_date(signal: signal_events.SignalData) -> date:
    """The day the family rule is applied on: the eviction date, else the day the signal was observed."""
    return getattr(signal, "eviction_date", None) or signal.observed_on


def audit_register_read(session, case_key: str, assessment: Assessment, signal, signal_type: str, event: Event, now) -> None:
    """Who lives at the dwelling, read from the register (or its short cache) for this
    signal: audited like a person's read, under triage's register client; the trace id
    is the signal event's id."""
    if assessment.source is CompositionSource.REGISTER:
        purpose = f"triage of signal {signal.signal_id} ({signal_type})"
        record_system_read(session, REGISTER_CLIENT, "register lookup", case_key, purpose, now, event.id.hex)


def emit_assessment(
    runtime: Runtime, session, case: HouseholdCase, signal_id, source, assessed_on, event_id, now, corrected_by=None
) -> None:
    """What triage now believes about the household, published and noted on the timeline."""
    assessed = HouseholdAssessed(
        signal_id=signal_id,
        persons=case.persons,
        minors=case.minors,
        minor_ages=list(case.minor_ages),
        is_family=case.is_family,
        uncertain=list(case_uncertain(case, source)),
        source=CompositionSource(case.composition_source),
        assessed_on=assessed_on,
        municipality_code=case.municipality_code,
        district=case.district,
        corrected_by=corrected_by,
    )
    runtime.emit(session, assessed, subject=case.case_key)
    note(session, case.case_key, now, "assessment", event_id, assessed.model_dump(mode="json", exclude={"signal_id"}))


def household_facts(case: HouseholdCase) -> HouseholdFacts:
    return HouseholdFacts(is_family=case.is_family, persons=case.persons, minors=case.minors)


def case_uncertain(case: HouseholdCase, source: CompositionSource) -> tuple[str, ...]:
    if source is CompositionSource.UNKNOWN and case.composition_source != source.value:
        return ("register_unavailable_used_earlier_assessment",)
    return tuple(case.uncertain or ())


def facts_to_json(facts: SignalFacts) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(facts).items()}


def facts_from_json(document: dict) -> SignalFacts:
    values = dict(document)
    for key in ("observed_on", "eviction_date"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return SignalFacts(**values)


def _reported_at_the_door(signal: signal_events.FamilyFoundAtEviction) -> Assessment:
    ages = tuple(sorted(signal.children_ages))
    household = HouseholdAssessment(
        persons=signal.adults + len(ages), minors=len(ages), minor_ages=ages, is_family=True, uncertain=()
    )
    return Assessment(household, CompositionSource.REPORTED_AT_EVICTION)


def _unlocated(reason: str | None) -> HouseholdAssessment:
    """The register could not place the postcode address: composition unknown, and why."""
    unknown = unknown_composition()
    if reason is None or reason in unknown.uncertain:
        return unknown
    return HouseholdAssessment(
        persons=0, minors=0, minor_ages=(), is_family=None, uncertain=(reason,)
    )


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
    if case.is_family is True and household.is_family is not True and source is CompositionSource.REGISTER:
        # People saw children the register does not show: keep the family in view.
        if case.composition_source in SEEN_BY_PEOPLE:
            return
    case.is_family = household.is_family
    case.persons = household.persons
    case.minors = household.minors
    case.minor_ages = list(household.minor_ages)
    case.uncertain = list(household.uncertain)
    case.composition_source = source.value
    case.assessed_on = reference_date(signal)


def _start_new_episode(case: HouseholdCase) -> None:
    """Resolved: what comes after is a new story, with its own alerts and contacts."""
    case.episode += 1
    case.last_alerted_arrears_months = case.last_alerted_arrears_amount = None
    case.prevention_contact_on = None
    case.placement_requested_at = None
    case.last_chance = False


def _facts(signal_type: str, signal, case: HouseholdCase) -> SignalFacts:
    grounds = getattr(signal, "grounds", None)
    outcome = getattr(signal, "outcome", None)
    return SignalFacts(
        signal_type=signal_type,
        municipality_code=signal.municipality_code,
        district=signal.district or case.district,
        observed_on=signal.observed_on,
        arrears_months=getattr(signal, "months", None),
        grounds=grounds.value if grounds else None,
        # An eviction under a last-chance verdict is part of the trajectory, not an ordinary eviction.
        last_chance=bool(getattr(signal, "last_chance", False)) or (signal_type == "eviction.executed" and case.last_chance),
        outcome=outcome.value if outcome else None,
        eviction_date=getattr(signal, "eviction_date", None),
        reported_by=signal.reported_by,
        corporation=case.corporation,
    )

