"""What the monitor counts: metrics and their outcomes, in the order they are shown.

Every published table lists every outcome of the catalogue, zeros included, so the
shape of an output never depends on what happened (an absent row would say "none").
"""

from __future__ import annotations

from shared.contracts.event_types import SignalType
from shared.contracts import event_types
from shared.contracts.events.follow_up import CaseOutcome
from shared.contracts.events.placement import Outflow
from shared.contracts.events.prevention import PreventionOutcome
from shared.contracts.events.signals import EvictionOutcome, VerdictGrounds
from shared.contracts.events.triage import AlertKind, PlacementCause, ReferralSource, RepeatEviction

SIGNAL = "signal"  # every signal, by type
VERDICT = "verdict"  # eviction verdicts, by grounds
EVICTION = "eviction"  # scheduled evictions (aanbod) and what became of them
ALERT = "alert"  # alerts raised, by kind
PREVENTION = "prevention"  # prevention referrals, reports and final outcomes
CASE_OUTCOME = "case_outcome"  # what became of the household after a prevention referral, the team's final report in
CASE_OUTCOME_REPORT_MISSING = "case_outcome_report_missing"  # the same, the team's final report missing
CASE_OUTCOME_METRICS = (CASE_OUTCOME, CASE_OUTCOME_REPORT_MISSING)  # together: one outcome per referral
PLACEMENT = "placement"  # shelter requests and what became of them
OUTFLOW = "outflow"  # where families went when a placement ended
PLACEMENT_CAUSE = "placement_cause"  # shelter requests by why the family has no home (recommendation F)
REFERRAL_SOURCE = "referral_source"  # shelter requests by who referred the family
ALERT_FOLLOW_UP = "alert_follow_up"  # acknowledged or escalated
REPEAT = "repeat"  # households an earlier case at another dwelling saw evicted: in view again, evicted again
HOME_VISIT = "home_visit"  # home visits by a team on an alert (bemoeizorg), by whether the household was met
SAFETY_NET_PLAN = "safety_net_plan"  # safety-net plans before an eviction (recommendation C): made, or revised
EVICTION_WITH_SAFETY_NET = "eviction_with_safety_net"  # scheduled evictions that got a plan, by the eviction's date

SCHEDULED = "scheduled"
WITHDRAWN = "withdrawn"
REFERRED = "referred"
CONTACT_MADE = "contact_made"
INTERMEDIATE_REPORT = "intermediate_report"
REPORT_MISSING = "report_missing"
REQUESTED = "requested"
OFFERED = "offered"
PLACED = "placed"
PARTLY_PLACED = "partly_placed"  # the shelter admitted part of the family
REST_ADMITTED = "rest_admitted"  # the shelter admitted the rest of a partly placed family later
WAITLISTED = "waitlisted"
DECLINED = "declined"
LOST_FROM_VIEW = "lost_from_view"
ENDED = "ended"
WITHDRAWAL_TOO_LATE = "withdrawal_too_late"  # triage withdrew a request after the family was placed
ACKNOWLEDGED = "acknowledged"
ESCALATED = "escalated"
MET_HOUSEHOLD = "met_household"  # the household opened the door and talked
NOT_MET = "not_met"
MADE = "made"  # the first plan for an eviction date
REVISED = "revised"  # a later plan for the same date

SIGNAL_TYPES = tuple(t.event_type for t in SignalType)

CATALOGUE: dict[str, tuple[str, ...]] = {
    SIGNAL: tuple(t.value for t in SignalType),
    VERDICT: tuple(g.value for g in VerdictGrounds),
    EVICTION: (SCHEDULED, WITHDRAWN, *(o.value for o in EvictionOutcome)),
    ALERT: tuple(k.value for k in AlertKind),
    PREVENTION: (REFERRED, CONTACT_MADE, INTERMEDIATE_REPORT, *(o.value for o in PreventionOutcome), REPORT_MISSING),
    CASE_OUTCOME: tuple(o.value for o in CaseOutcome),
    CASE_OUTCOME_REPORT_MISSING: tuple(o.value for o in CaseOutcome),
    PLACEMENT: (
        REQUESTED, OFFERED, PLACED, PARTLY_PLACED, REST_ADMITTED, WAITLISTED, DECLINED, LOST_FROM_VIEW, ENDED, WITHDRAWN,
        WITHDRAWAL_TOO_LATE,
    ),
    OUTFLOW: tuple(o.value for o in Outflow),
    PLACEMENT_CAUSE: tuple(c.value for c in PlacementCause),
    REFERRAL_SOURCE: tuple(r.value for r in ReferralSource),
    ALERT_FOLLOW_UP: (ACKNOWLEDGED, ESCALATED),
    REPEAT: tuple(r.value for r in RepeatEviction),
    HOME_VISIT: (MET_HOUSEHOLD, NOT_MET),
    SAFETY_NET_PLAN: (MADE, REVISED),
    EVICTION_WITH_SAFETY_NET: (SCHEDULED,),
}

# The date each metric is counted by (its period is that date's calendar month). The fact's
# own date wherever the events carry one; the moment the chain recorded it only for what the
# chain itself decides (an alert, a shelter request or placement), which happened then.
COUNTED_BY: dict[str, str] = {
    SIGNAL: "observed_on: the day the partner saw it",
    VERDICT: f"the verdict's day (observed_on of {SignalType.VERDICT_ISSUED})",
    EVICTION: f"the eviction's date: eviction_date of {SignalType.EVICTION_SCHEDULED}; of {SignalType.EVICTION_CANCELLED} and "
    f"{SignalType.EVICTION_EXECUTED} when the signaller gives it, else their observed_on",
    ALERT: "the moment triage raised the alert (Dutch local time)",
    PREVENTION: "referred and report_missing: the moment of the alert; reports: reported_on, the day the team made it",
    CASE_OUTCOME: "the moment of the prevention alert followed up (alerted_at), like its referral",
    CASE_OUTCOME_REPORT_MISSING: "the moment of the prevention alert followed up (alerted_at), like its referral",
    PLACEMENT: "the moment triage requested or placement decided (Dutch local time)",
    OUTFLOW: "the moment the placement ended (Dutch local time)",
    PLACEMENT_CAUSE: "the moment the shelter request was made (Dutch local time), like its `requested`",
    REFERRAL_SOURCE: "the moment the shelter request was made (Dutch local time), like its `requested`",
    ALERT_FOLLOW_UP: "acknowledged_at or escalated_at (Dutch local time)",
    REPEAT: "the signal's date as triage assessed it (assessed_on: the eviction's date, else observed_on)",
    HOME_VISIT: "reported_on: the day of the visit",
    SAFETY_NET_PLAN: "made_on: the day the plan was agreed",
    EVICTION_WITH_SAFETY_NET: "the eviction's date the plan is for (eviction_date), like eviction scheduled: its first plan only",
}
