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
    UNKNOWN = "unknown"  # register unreachable: follow-up check scheduled


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


class AlertKind(StrEnum):
    PREVENTION = "prevention"
    URGENT_OUTREACH = "urgent_outreach"
    LOST_FROM_VIEW = "lost_from_view"


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
    reason: str = Field(description="machine-readable reason code")
    rule_id: str
    is_family: bool | None
    persons: int = Field(ge=0)
    minors: int = Field(ge=0)
    minor_ages: list[Age]
    municipality_code: MunicipalityCode
    district: str | None = None


class FamilyType(StrEnum):
    TWO_PARENT = "two_parent"
    ONE_PARENT = "one_parent"
    UNKNOWN = "unknown"


class PlacementNeed(StrEnum):
    CRISIS = "crisis"
    FAMILY = "family"


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
    reason: str
