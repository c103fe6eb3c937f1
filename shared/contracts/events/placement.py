"""Shelter placement (topic `placement`). `recipient` is the organisation to notify."""

from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData
from shared.contracts.events.signals import MunicipalityCode


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


class PlacementWaitlisted(PlacementData):
    event_type = event_types.PLACEMENT_WAITLISTED

    reason: str
    out_of_region: bool = False
    alternative: AlternativeKind | None = Field(
        None, description="set when GGD recorded where the family stays while it waits"
    )


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


class PlacementDeclined(PlacementData):
    event_type = event_types.PLACEMENT_DECLINED

    shelter: str
    facility: str
    reason: str


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
    reason: str = Field(description="why triage withdrew it (eviction_cancelled, paid_at_door, not_executed)")
    shelter: str | None = None
    facility: str | None = None
    also_notify: list[str] = Field(default_factory=list, description="organisations told as well (the shelter)")
