"""Shelter placement (topic `placement`). `recipient` is the organisation to notify."""

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import Field, model_validator

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData
from shared.contracts.events.signals import MunicipalityCode
from shared.contracts.events.triage import WithdrawalReason


class PlacementData(EventData):
    topic = topics.PLACEMENT

    request_id: UUID
    recipient: str = Field(description="organisation id to notify")
    requested_by: str
    municipality_code: MunicipalityCode


class AlternativeKind(StrEnum):
    """Where a waitlisted family stays meanwhile (docs/domain.md#while-a-family-waits)."""

    HOTEL = "hotel"
    HOLIDAY_HOME = "holiday_home"
    WITH_RELATIVES = "with_relatives"
    FAMILY_SPLIT = "family_split"
    NIGHT_SHELTER = "night_shelter"


class WaitlistReason(StrEnum):
    """Why a family is (still) on the waiting list."""

    NO_FREE_UNIT = "no_free_unit"  # no free unit of its family type in reach
    DECLINED_ELSEWHERE = "declined_elsewhere"  # as above, after a shelter declined it
    ALTERNATIVE_RECORDED = "alternative_recorded"  # GGD recorded where the family stays meanwhile


# What placement wrote before the reason became a code (records still on the topic).
_LEGACY_WAITLIST_REASONS = {
    "no free unit for this family type": WaitlistReason.NO_FREE_UNIT,
    "no free unit for this family type (declined elsewhere)": WaitlistReason.DECLINED_ELSEWHERE,
}


class PlacementWaitlisted(PlacementData):
    event_type = event_types.PLACEMENT_WAITLISTED

    reason: WaitlistReason
    out_of_region: bool = False
    alternative: AlternativeKind | None = Field(
        None, description="set when GGD recorded where the family stays while it waits"
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_reason(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("reason") in _LEGACY_WAITLIST_REASONS:
            return {**data, "reason": _LEGACY_WAITLIST_REASONS[data["reason"]]}
        return data


class PlacementOffered(PlacementData):
    event_type = event_types.PLACEMENT_OFFERED

    shelter: str
    facility: str
    unit_type: str
    out_of_region: bool = False


class PlacementConfirmed(PlacementData):
    event_type = event_types.PLACEMENT_CONFIRMED

    shelter: str
    facility: str
    unit_type: str
    case_lead: str = Field(description="organisation that leads the case from now on (regie)")
    # Partial placement (part of the family admitted, e.g. a father not admitted): counts only.
    # Records written before these fields existed were placements of the whole family.
    partial: bool = Field(False, description="only part of the family was admitted; the request stays open for the rest")
    adults_admitted: int | None = Field(None, ge=0)
    children_admitted: int | None = Field(None, ge=0)
    adults_not_admitted: int = Field(0, ge=0)
    children_not_admitted: int = Field(0, ge=0)
    plan_due_on: date | None = Field(None, description="the trajectory plan is due by this day (T14)")


class DeclineReason(StrEnum):
    """Why a shelter declined an offered unit (a code; the shelter's own words stay in placement)."""

    UNIT_UNSUITABLE = "unit_unsuitable"  # the unit does not fit the family (size, stairs, …)
    CARE_NEEDS = "care_needs"  # the family needs more care than the facility gives
    SAFETY = "safety"  # a safety risk for the family or other residents
    EXCLUDED_BEFORE = "excluded_before"  # the household was excluded from this shelter earlier
    OTHER = "other"


class PlacementDeclined(PlacementData):
    event_type = event_types.PLACEMENT_DECLINED
    retired = frozenset({"reason"})  # the shelter's free text until ADR 0023; now kept in placement only

    shelter: str
    facility: str
    reason_code: DeclineReason = DeclineReason.OTHER


class PlacementLostFromView(PlacementData):
    event_type = event_types.PLACEMENT_LOST_FROM_VIEW

    days_without_update: int
    last_alternative: AlternativeKind | None = Field(None, description="where the family was last known to stay")


class Outflow(StrEnum):
    CONTINGENT_DWELLING = "contingent_dwelling"
    OMKLAP = "omklap"
    OWN_NETWORK = "own_network"
    UNKNOWN = "unknown"


class PlacementEnded(PlacementData):
    event_type = event_types.PLACEMENT_ENDED

    shelter: str
    outflow: Outflow
    facility: str | None = None


class WithdrawalOutcome(StrEnum):
    WITHDRAWN = "withdrawn"  # off the waiting list, or the offered unit released
    TOO_LATE = "too_late"  # the family was placed already: the placement stands


class PlacementWithdrawalHandled(PlacementData):
    """What placement made of triage's withdrawal. `recipient` is the GGD that asked;
    `also_notify` the shelter that held the offer or hosts the family."""

    event_type = event_types.PLACEMENT_WITHDRAWAL_HANDLED

    outcome: WithdrawalOutcome
    status_before: str = Field(description="waitlisted, offered or placed")
    reason: WithdrawalReason = Field(description="why triage withdrew it")
    shelter: str | None = None
    facility: str | None = None
    also_notify: list[str] = Field(default_factory=list, description="organisations told as well (the shelter)")


class PlacementPlanReminder(PlacementData):
    """The trajectory plan of a placed family is due soon and not recorded yet (T14).
    `recipient` is the shelter that leads the case."""

    event_type = event_types.PLACEMENT_PLAN_REMINDER

    shelter: str
    placed_on: date
    plan_due_on: date
    days_left: int = Field(ge=0)


class PlacementPlanOverdue(PlacementData):
    """The trajectory plan's deadline passed without it (T14): escalated to the GGD that
    asked (`recipient`); the shelter in `also_notify`."""

    event_type = event_types.PLACEMENT_PLAN_OVERDUE

    shelter: str
    placed_on: date
    plan_due_on: date
    also_notify: list[str] = Field(default_factory=list, description="organisations told as well (the shelter)")


class PlacementRestAdmitted(PlacementData):
    """A partly placed family is whole again: the shelter admitted the persons it had not
    admitted at first (counts only). The placement, its unit and its plan's day stay as they were."""

    event_type = event_types.PLACEMENT_REST_ADMITTED

    shelter: str
    adults_admitted: int = Field(ge=1, description="now every adult of the family")
    children_admitted: int = Field(ge=0, description="now every child of the family")
    adults_admitted_later: int = Field(ge=0)
    children_admitted_later: int = Field(ge=0)


class PlacementPlanMade(PlacementData):
    """The shelter recorded that the trajectory plan was made (a date only; the plan stays with the shelter)."""

    event_type = event_types.PLACEMENT_PLAN_MADE

    shelter: str
    made_on: date
    plan_due_on: date
    on_time: bool = Field(description="made on or before the day it was due")
