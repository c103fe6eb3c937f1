"""Which facts and profiles one event of the chain contributes (see facts.py for the join),
and the date each fact is counted by: the fact's own date, never the moment it reached the
chain or the monitor (`COUNTED_BY` in catalogue.py says which date, per metric).

Only routing facts are read: municipality, district, family yes/no, type and outcome.
The case pseudonym (`subject`) is never read; join keys are ids of a signal, alert or
placement request, and the store keeps them only as keyed hashes, only until joined.
"""

from __future__ import annotations

from shared.contracts import event_types
from shared.contracts.districts import counted_as
from shared.contracts.envelope import Event
from shared.contracts.events import deliveries, follow_up, placement, prevention, signals, triage
from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import Fact, Family, JoinKey, JoinKind, Location, Profile, Reading, family_of
from services.monitor.domain.period import Period, period_of, period_of_day

_PLACEMENT_OUTCOMES: dict[type, str] = {
    placement.PlacementOffered: c.OFFERED,
    placement.PlacementConfirmed: c.PLACED,
    placement.PlacementWaitlisted: c.WAITLISTED,
    placement.PlacementDeclined: c.DECLINED,
    placement.PlacementLostFromView: c.LOST_FROM_VIEW,
    placement.PlacementEnded: c.ENDED,
    placement.PlacementWithdrawalHandled: c.WITHDRAWN,  # or WITHDRAWAL_TOO_LATE, see _placement_outcome
    placement.PlacementRestAdmitted: c.REST_ADMITTED,
}
_PREVENTION_OUTCOMES: dict[type, str] = {
    prevention.ContactMade: c.CONTACT_MADE,
    prevention.IntermediateReport: c.INTERMEDIATE_REPORT,
}

COUNTED_TYPES: tuple[str, ...] = (
    *c.SIGNAL_TYPES,
    event_types.HOUSEHOLD_ASSESSED,
    event_types.ALERT_RAISED,
    event_types.PLACEMENT_REQUESTED,
    *(model.event_type for model in _PLACEMENT_OUTCOMES),
    event_types.PREVENTION_CONTACT_MADE,
    event_types.PREVENTION_REPORT_INTERMEDIATE,
    event_types.PREVENTION_REPORT_FINAL,
    event_types.ALERT_ACKNOWLEDGED,
    event_types.ALERT_ESCALATED,
    event_types.PREVENTION_FOLLOWED_UP,
    event_types.PREVENTION_HOME_VISIT,
    event_types.SAFETY_NET_PLAN_MADE,
)


def read(event: Event) -> Reading:
    data = event.data
    # What the chain itself decided (an alert, a request, a placement) happened when its
    # service recorded it: the event's time. Partners' facts carry their own dates.
    recorded = period_of(event.envelope.time)
    if isinstance(data, signals.SignalData):
        return _signal(data)
    if isinstance(data, triage.HouseholdAssessed):
        key = JoinKey(JoinKind.SIGNAL, data.signal_id)
        where, family = _where(data), family_of(data.is_family)
        # A household an earlier case saw evicted: a code, never which household or case (triage's domain.family).
        repeats = tuple(Fact(c.REPEAT, code.value, period_of_day(data.assessed_on), where, family) for code in data.repeat)
        return Reading(facts=repeats, profiles=((key, Profile(where, family)),))
    if isinstance(data, triage.AlertRaised):
        return _alert(data, recorded)
    if isinstance(data, triage.PlacementRequested):
        family = Family.FAMILY if data.children_ages else Family.NO_FAMILY
        where = Location(data.municipality_code)
        key = JoinKey(JoinKind.REQUEST, data.request_id)
        facts = (
            Fact(c.PLACEMENT, c.REQUESTED, recorded, where, family),
            Fact(c.PLACEMENT_CAUSE, data.cause.value, recorded, where, family),
            Fact(c.REFERRAL_SOURCE, data.referral_source.value, recorded, where, family),
        )
        return Reading(facts=facts, profiles=((key, Profile(where, family)),))
    if isinstance(data, triage.SafetyNetPlanMade):
        return _safety_net_plan(data)
    if isinstance(data, placement.PlacementData):
        return _placement(data, recorded)
    if isinstance(data, prevention.PreventionData):
        return _prevention(data)
    if isinstance(data, follow_up.PreventionFollowedUp):
        # one per prevention referral, in the referral's period, so the outcomes are its parts
        metric = c.CASE_OUTCOME_REPORT_MISSING if data.report_missing else c.CASE_OUTCOME
        fact = Fact(metric, data.outcome.value, period_of(data.alerted_at), _where(data), family_of(data.is_family))
        return Reading(facts=(fact,))
    if isinstance(data, deliveries.AlertAcknowledged):
        period = period_of(data.acknowledged_at)
        return Reading(facts=(Fact(c.ALERT_FOLLOW_UP, c.ACKNOWLEDGED, period, join=JoinKey(JoinKind.ALERT, data.alert_id)),))
    if isinstance(data, deliveries.AlertEscalated):
        period = period_of(data.escalated_at)
        fact = Fact(c.ALERT_FOLLOW_UP, c.ESCALATED, period, _where(data), join=JoinKey(JoinKind.ALERT, data.alert_id))
        return Reading(facts=(fact,))
    return Reading()


def _signal(data: signals.SignalData) -> Reading:
    """A signal counts by the day the partner observed it; a verdict by its day (observed_on);
    a scheduled eviction and its outcome by the eviction's date."""
    key = JoinKey(JoinKind.SIGNAL, data.signal_id)
    where = _where(data)

    def fact(metric: str, outcome: str, day=data.observed_on) -> Fact:
        return Fact(metric, outcome, period_of_day(day), where, join=key)

    facts = [fact(c.SIGNAL, data.signal_type.value)]
    if isinstance(data, signals.VerdictIssued):
        facts.append(fact(c.VERDICT, data.grounds.value))
    elif isinstance(data, signals.EvictionScheduled):
        facts.append(fact(c.EVICTION, c.SCHEDULED, data.eviction_date))
    elif isinstance(data, signals.EvictionCancelled):
        facts.append(fact(c.EVICTION, c.WITHDRAWN, data.eviction_date or data.observed_on))
    elif isinstance(data, signals.EvictionExecuted):
        facts.append(fact(c.EVICTION, data.outcome.value, data.eviction_date or data.observed_on))
    return Reading(facts=tuple(facts))


def _alert(data: triage.AlertRaised, period: Period) -> Reading:
    where = _where(data)
    family = family_of(data.is_family)
    facts = [Fact(c.ALERT, data.kind.value, period, where, family)]
    if data.kind is triage.AlertKind.PREVENTION:
        facts.append(Fact(c.PREVENTION, c.REFERRED, period, where, family))
    elif data.kind is triage.AlertKind.REMINDER and data.report is triage.Report.FINAL:
        facts.append(Fact(c.PREVENTION, c.REPORT_MISSING, period, where, family))
    key = JoinKey(JoinKind.ALERT, data.alert_id)
    return Reading(facts=tuple(facts), profiles=((key, Profile(where, family)),))


def _prevention(data: prevention.PreventionData) -> Reading:
    """A team's report or home visit on an alert, by the day it was made; where and who come from the alert."""
    if isinstance(data, prevention.HomeVisitDone):
        metric, outcome = c.HOME_VISIT, c.MET_HOUSEHOLD if data.met_household else c.NOT_MET
    else:
        metric = c.PREVENTION
        outcome = data.outcome.value if isinstance(data, prevention.FinalReport) else _PREVENTION_OUTCOMES[type(data)]
    fact = Fact(metric, outcome, period_of_day(data.reported_on), join=JoinKey(JoinKind.ALERT, data.alert_id))
    return Reading(facts=(fact,))


def _safety_net_plan(data: triage.SafetyNetPlanMade) -> Reading:
    """A plan counts on the day it was made; a first plan also under the eviction it is for, by
    that eviction's date, so it stands next to the evictions scheduled for the same month."""
    where, family = _where(data), family_of(data.is_family)
    made = Fact(c.SAFETY_NET_PLAN, c.REVISED if data.revised else c.MADE, period_of_day(data.made_on), where, family)
    if data.revised:
        return Reading(facts=(made,))
    covered = Fact(c.EVICTION_WITH_SAFETY_NET, c.SCHEDULED, period_of_day(data.eviction_date), where, family)
    return Reading(facts=(made, covered))


def _placement(data: placement.PlacementData, period: Period) -> Reading:
    key = JoinKey(JoinKind.REQUEST, data.request_id)
    where = Location(data.municipality_code)
    facts = [Fact(c.PLACEMENT, _placement_outcome(data), period, where, join=key)]
    if isinstance(data, placement.PlacementEnded):
        facts.append(Fact(c.OUTFLOW, data.outflow.value, period, where, join=key))
    return Reading(facts=tuple(facts))


def _placement_outcome(data: placement.PlacementData) -> str:
    if isinstance(data, placement.PlacementWithdrawalHandled) and data.outcome is placement.WithdrawalOutcome.TOO_LATE:
        return c.WITHDRAWAL_TOO_LATE
    if isinstance(data, placement.PlacementConfirmed) and data.partial:
        return c.PARTLY_PLACED
    return _PLACEMENT_OUTCOMES[type(data)]


def _where(data) -> Location:
    """Only a district code of the municipality is counted as such; anything else as "unknown"."""
    return Location(data.municipality_code, counted_as(data.municipality_code, data.district))
