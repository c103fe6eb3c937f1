"""What triage publishes: assessments, alerts and placement requests."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData
from shared.contracts.events.signals import MunicipalityCode

Age = Annotated[int, Field(ge=0, le=17)]


class CompositionSource(StrEnum):
    REGISTER = "register"  # BRP lookup
    REPORTED_AT_EVICTION = "reported_at_eviction"
    REPORTED_BY_CASE_WORKER = "reported_by_case_worker"  # a later correction by GGD or the prevention team
    UNKNOWN = "unknown"  # register unreachable: follow-up check scheduled


class RepeatEviction(StrEnum):
    """A household an earlier case (at another dwelling) saw evicted is in view again: a
    code only; which household, which earlier case, stays in triage (docs/adr/0038)."""

    SIGNALLED_AGAIN = "signalled_again"  # first signal at the new dwelling linked to the earlier eviction
    EVICTED_AGAIN = "evicted_again"  # evicted (or found at the door) again


class HouseholdAssessed(EventData):
    event_type = event_types.HOUSEHOLD_ASSESSED
    topic = topics.TRIAGE

    signal_id: UUID
    persons: int = Field(ge=0)
    minors: int = Field(ge=0)
    minor_ages: list[Age]
    is_family: bool | None
    uncertain: list[str] = []
    source: CompositionSource
    assessed_on: date
    municipality_code: MunicipalityCode
    district: str | None = None
    corrected_by: str | None = Field(default=None, description="organisation that corrected the composition")
    repeat: list[RepeatEviction] = Field(
        default=[],
        description="the persons at this dwelling were evicted from another dwelling before (codes for the monitor; "
        "no person, no earlier case)",
    )


class AlertKind(StrEnum):
    PREVENTION = "prevention"
    URGENT_OUTREACH = "urgent_outreach"
    LOST_FROM_VIEW = "lost_from_view"
    REMINDER = "reminder"  # a report the team owes is overdue
    ESCALATION = "escalation"  # still overdue after the reminder: someone else must look


class AlertTrigger(StrEnum):
    """What made triage raise the alert (the signal itself, or something later)."""

    SIGNAL = "signal"
    COMPOSITION_CORRECTED = "composition_corrected"
    FEEDBACK = "feedback"
    REPORT_OVERDUE = "report_overdue"
    REPORT_ESCALATED = "report_escalated"
    EVICTION_NEAR = "eviction_near"


class Report(StrEnum):
    INTERMEDIATE = "intermediate"
    FINAL = "final"


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class AlertRaised(EventData):
    event_type = event_types.ALERT_RAISED
    topic = topics.ALERTS

    alert_id: UUID
    signal_id: UUID
    signal_type: str
    recipient: str = Field(description="organisation id that must act")
    kind: AlertKind
    priority: Priority
    due: datetime
    reason: str = Field(
        description="why, in the words of the routing rule (the rules file's description, written by the "
        "chain's operators; never a partner's or a person's text)"
    )
    rule_id: str
    is_family: bool | None
    persons: int = Field(ge=0)
    minors: int = Field(ge=0)
    minor_ages: list[Age]
    municipality_code: MunicipalityCode
    district: str | None = None
    trigger: AlertTrigger = AlertTrigger.SIGNAL
    regarding_alert_id: UUID | None = Field(default=None, description="the alert a reminder or escalation is about")
    report: Report | None = Field(default=None, description="the overdue report (reminders and escalations)")
    intermediate_report_due: datetime | None = None
    final_report_due: datetime | None = None
    collection_suspended_until: date | None = Field(
        default=None, description="the signaller suspends collection until then (Vroeg Eropaf)"
    )


class FamilyType(StrEnum):
    TWO_PARENT = "two_parent"
    ONE_PARENT = "one_parent"
    UNKNOWN = "unknown"


class PlacementNeed(StrEnum):
    CRISIS = "crisis"
    FAMILY = "family"


class PlacementReason(StrEnum):
    """Why a place is asked for (a code: free text stays off the bus)."""

    FAMILY_FOUND_AT_EVICTION = "family_found_at_eviction"
    FAMILY_EVICTED = "family_evicted"
    REQUESTED_BY_GGD = "requested_by_ggd"


class PlacementCause(StrEnum):
    """Why the family has no home (recommendation F: the overflow between shelters must be measurable)."""

    EVICTION = "eviction"  # every request triage makes: the chain follows evictions
    DOMESTIC_VIOLENCE = "domestic_violence"  # huiselijk geweld: overflow from women's shelters
    OTHER = "other"


class ReferralSource(StrEnum):
    """Who referred the family to the shelter (a code: free text stays off the bus)."""

    GGD = "ggd"  # GGD or central access: Vangnet en Advies (Amsterdam), MAP/BCT (Utrecht)
    POLICE = "police"  # police at the eviction, or police registering a family
    YOUTH_CARE = "youth_care"  # Bureau Jeugdzorg / Vangnet Jeugd
    WOMENS_SHELTER = "womens_shelter"  # vrouwenopvang (VO) overflowing into social shelter
    CRISIS_SERVICE = "crisis_service"  # crisis service (crisisdienst, GGZ)
    PREVENTION_TEAM = "prevention_team"  # (Vroeg) Eropaf, sociaal team, prevention after a referral
    BEMOEIZORG = "bemoeizorg"  # outreach care for care-avoiding households (Oss)
    MUNICIPALITY = "municipality"
    SELF = "self"  # the family came to the shelter itself
    OTHER = "other"


class PlacementRequested(EventData):
    event_type = event_types.PLACEMENT_REQUESTED
    topic = topics.PLACEMENT_REQUESTS

    request_id: UUID
    signal_id: UUID | None = None
    requested_by: str = Field(description="organisation id that leads until placement (GGD)")
    adults: int = Field(ge=1)
    children_ages: list[Age]
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: MunicipalityCode
    reason: PlacementReason
    # Records written before these fields existed were all requests after an eviction, made by GGD.
    cause: PlacementCause = PlacementCause.EVICTION
    referral_source: ReferralSource = ReferralSource.GGD


class WithdrawalReason(StrEnum):
    """Why triage withdraws a shelter request: the eviction did not happen after all."""

    EVICTION_CANCELLED = "eviction_cancelled"
    PAID_AT_DOOR = "paid_at_door"
    NOT_EXECUTED = "not_executed"


class PlacementWithdrawn(EventData):
    """Triage no longer needs the place it asked for. On the requests' topic, keyed by
    the case, so placement always sees it after the request it withdraws."""

    event_type = event_types.PLACEMENT_WITHDRAWN
    topic = topics.PLACEMENT_REQUESTS

    request_id: UUID
    signal_id: UUID | None = Field(default=None, description="the signal that reversed the eviction")
    requested_by: str
    municipality_code: MunicipalityCode
    reason: WithdrawalReason


class SafetyNetArrangement(StrEnum):
    """What the safety net before a family's eviction consists of (a code: the plan itself stays on the case)."""

    SHELTER_PLACE = "shelter_place"  # a (crisis) shelter place arranged for the day
    OWN_NETWORK = "own_network"  # the family stays with relatives or friends
    OTHER_DWELLING = "other_dwelling"  # another dwelling (urgency, omklap, conditional)
    SUPPORT_TRAJECTORY = "support_trajectory"  # guidance or care that continues after the eviction
    EVICTION_STOPPED = "eviction_stopped"  # payment or special assistance is expected to stop it


class SafetyNetPlanMade(EventData):
    """A plan for the family before its eviction (recommendation C). Keyed by the case."""

    event_type = event_types.SAFETY_NET_PLAN_MADE
    topic = topics.TRIAGE

    made_by: str = Field(description="organisation id that made the plan")
    made_on: date
    eviction_date: date
    eviction_signal_id: UUID | None = None
    arrangements: list[SafetyNetArrangement] = Field(min_length=1)
    municipality_code: MunicipalityCode
    # For the monitor's counts (docs/adr/0042). Records written before these fields existed read as
    # a first plan of a household the chain could not tell, in no district.
    district: str | None = None
    is_family: bool | None = Field(default=None, description="as the case says: the register's composition, or its correction")
    revised: bool = Field(default=False, description="a later plan for the same eviction date, revising the first")
