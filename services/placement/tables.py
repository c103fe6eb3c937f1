"""Placement's own tables: facilities with capacity, requests, declines, alternatives.

Columns that hold a state or a code are enum columns (shared.persistence.enum_columns):
the row reads back as the enum, the database keeps the same strings as before."""

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import JSON, Column, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.contracts.events.placement import AlternativeKind, DeclineReason, Outflow, WithdrawalOutcome
from shared.contracts.events.triage import FamilyType, PlacementCause, PlacementNeed, ReferralSource, WithdrawalReason
from shared.persistence.database import UtcDateTime
from shared.persistence.enum_columns import enum_field
from services.placement.domain.registry import UnitType
from services.placement.domain.request_status import RequestStatus

placement_registry = registry()
METADATA = placement_registry.metadata


class PlacementTable(SQLModel, registry=placement_registry):
    pass


class Facility(PlacementTable, table=True):
    __tablename__ = "facility"

    id: str = Field(primary_key=True)
    shelter: str = Field(index=True)
    name: str
    centre: str
    region: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unit_type: UnitType = enum_field(UnitType)
    capacity: int
    occupied: int = 0
    accepts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = ""


class PlacementRequest(PlacementTable, table=True):
    """One family's request for a place; `status` moves as domain/request_status.py allows."""

    __tablename__ = "placement_request"
    __table_args__ = (Index("ix_placement_request_waiting", "status", "last_update_at"),)

    id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    requested_by: str = Field(index=True)
    adults: int
    children_ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    family_type: FamilyType = enum_field(FamilyType)
    need: PlacementNeed = enum_field(PlacementNeed)
    municipality_code: str
    reason: str
    status: RequestStatus = enum_field(RequestStatus)
    facility_id: str | None = Field(default=None, index=True)
    centre: str | None = Field(default=None, index=True)  # whose waiting list the family is on
    out_of_region: bool = False
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    last_update_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))  # last report on the family
    lost_from_view_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    outflow: Outflow | None = enum_field(Outflow, nullable=True, default=None)
    ended_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    cause: PlacementCause = enum_field(PlacementCause, default=PlacementCause.EVICTION)
    referral_source: ReferralSource = enum_field(ReferralSource, default=ReferralSource.GGD)
    # Set when the shelter confirms: how many of the family it admitted (partly placed: fewer than all).
    placed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    adults_admitted: int | None = None
    children_admitted: int | None = None
    # The trajectory plan (T14, domain/trajectory_plan.py): due by a day fixed at placement; a date only.
    plan_due_on: date | None = None
    plan_made_on: date | None = None
    plan_reminded_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    plan_escalated_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class Decline(PlacementTable, table=True):
    __tablename__ = "decline"

    id: int | None = Field(default=None, primary_key=True)
    request_id: UUID = Field(index=True)
    facility_id: str
    reason: str  # the shelter's own words: never on Kafka (the event carries `code`)
    code: DeclineReason = enum_field(DeclineReason, default=DeclineReason.OTHER)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Alternative(PlacementTable, table=True):
    """Where a waitlisted family stays meanwhile, as GGD reported it (kept here only, never on Kafka: `note`)."""

    __tablename__ = "alternative"

    id: int | None = Field(default=None, primary_key=True)
    request_id: UUID = Field(index=True)
    kind: AlternativeKind = enum_field(AlternativeKind)
    note: str = ""
    recorded_by: str
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Withdrawal(PlacementTable, table=True):
    """Triage withdrew a request (the eviction was reversed): what it found and did.

    `outcome` withdrawn: off the list or the offer released; too_late: the family
    was placed already and stays (a placement is never undone from afar)."""

    __tablename__ = "withdrawal"

    request_id: UUID = Field(primary_key=True)
    reason: WithdrawalReason = enum_field(WithdrawalReason)
    status_before: RequestStatus = enum_field(RequestStatus)
    outcome: WithdrawalOutcome = enum_field(WithdrawalOutcome)
    facility_id: str | None = None
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class CaseRegion(PlacementTable, table=True):
    """The municipality of each triage case (from triage's household.assessed events), so a
    GGD can name only a case of its own region in a request (shared.entitlement). Deleted
    when triage has not assessed the case for a long time (services/placement/retention.py)."""

    __tablename__ = "case_region"

    case_key: str = Field(primary_key=True)
    municipality_code: str
    assessed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))  # triage's latest assessment
