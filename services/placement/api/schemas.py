"""What placement's API takes and answers: bodies refused at the door when malformed,
views that never say who a family is."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events.placement import AlternativeKind, DeclineReason, Outflow
from shared.contracts.events.signals import MunicipalityCode
from shared.contracts.events.triage import Age, FamilyType, PlacementCause, PlacementNeed, PlacementReason, ReferralSource
from shared.contracts.fields import CaseKey, FreeText
from services.placement.domain.family import Composition, cause_when_not_given
from services.placement.domain.registry import UnitType


class FacilityView(BaseModel):
    id: str
    shelter: str
    name: str
    centre: str = Field(description="centre municipality (CBS code)")
    region: list[str] = Field(description="municipality codes the facility serves")
    unit_type: UnitType
    capacity: int
    occupied: int
    offered: int = Field(description="units held by offers the shelter has not answered yet")
    free: int = Field(description="units a new family can be offered: capacity - occupied - offered")
    accepts: list[str] = Field(description="household types accepted: one_parent, two_parent")
    note: str


class FacilityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(ge=0, le=10_000, description="may not go below the units occupied")


class AlternativeView(BaseModel):
    kind: AlternativeKind
    note: str
    recorded_by: str
    at: datetime


class RequestView(BaseModel):
    id: UUID
    case_key: str
    requested_by: str
    adults: int
    children_ages: list[int]
    family_type: str
    need: str
    municipality_code: str
    cause: PlacementCause
    referral_source: ReferralSource
    status: str
    facility_id: str | None
    centre: str | None = Field(description="centre whose waiting list the family is on")
    out_of_region: bool
    waitlist_position: int | None = Field(description="1 = next in line on the centre's list; only while waitlisted")
    days_waiting: int
    last_update_at: datetime
    lost_from_view_at: datetime | None
    outflow: str | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime
    placed_at: datetime | None
    adults_admitted: int | None = Field(description="persons the shelter admitted (set at confirmation)")
    children_admitted: int | None
    adults_not_admitted: int = Field(description="persons of the family the shelter did not admit (partly placed)")
    children_not_admitted: int
    plan_due_on: date | None = Field(description="the trajectory plan is due by this day (six weeks after placement)")
    plan_made_on: date | None
    plan_reminded_at: datetime | None = Field(description="the shelter was reminded of the plan")
    plan_escalated_at: datetime | None = Field(description="the plan's day passed without it: escalated to the GGD")
    alternatives: list[AlternativeView] = Field(description="where the family stays meanwhile (GGD that asked only)")


class RequestIn(BaseModel):
    """A GGD asks for a place: the family's composition and need, never who they are."""

    model_config = ConfigDict(extra="forbid")

    adults: int = Field(ge=1, le=10)
    children_ages: list[Age] = Field(default_factory=list, max_length=20)
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: MunicipalityCode
    case_key: CaseKey | None = Field(None, description="the triage case this request belongs to, if any (of your region)")
    reason: PlacementReason = Field(PlacementReason.REQUESTED_BY_GGD, description="why a place is asked for (a code)")
    cause: PlacementCause | None = Field(
        None,
        description="why the family has no home: eviction, domestic_violence, other. Not given: eviction when the "
        "request names a case (an eviction alert) or an eviction reason, else other",
    )
    referral_source: ReferralSource = Field(ReferralSource.GGD, description="who referred the family (a code)")

    def composition(self) -> Composition:
        cause = self.cause or cause_when_not_given(self.case_key, self.reason)
        return Composition.of(self.model_copy(update={"cause": cause}))


class WaitlistEntry(BaseModel):
    request_id: UUID
    centre: str | None
    position: int | None
    family_type: str
    adults: int
    children_ages: list[int]
    need: str
    municipality_code: str
    out_of_region: bool
    minors_present: bool
    days_waiting: int
    waiting_since: datetime
    last_update_at: datetime
    lost_from_view: bool


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: FreeText(300, min_length=3) = Field(description="in the shelter's own words; stays in this service")
    reason_code: DeclineReason = Field(DeclineReason.OTHER, description="the reason as a code: what GGD and the monitor hear")


class ConfirmIn(BaseModel):
    """Optional: a confirmation without a body admits the whole family."""

    model_config = ConfigDict(extra="forbid")

    adults_admitted: int | None = Field(None, ge=1, le=10, description="adults admitted; fewer than the family's: partly placed")
    children_admitted: int | None = Field(None, ge=0, le=20, description="children admitted; fewer than the family's: partly placed")


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    made_on: date = Field(description="the day the trajectory plan was made (the plan itself stays with the shelter)")


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outflow: Outflow = Field(description="where the family went: contingent_dwelling, omklap, own_network, unknown")


class AlternativeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AlternativeKind
    note: FreeText(500) = Field("", description="for GGD's own follow-up; stays in this service")
