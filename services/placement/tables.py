"""Placement's own tables: facilities with capacity, requests, declines, alternatives."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Column, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.persistence.database import UtcDateTime

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
    unit_type: str
    capacity: int
    occupied: int = 0
    accepts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = ""


class PlacementRequest(PlacementTable, table=True):
    """One family's request for a place. `status`: offered | waitlisted | placed | ended |
    withdrawn (`new` only inside the transaction that creates or re-matches it)."""

    __tablename__ = "placement_request"
    __table_args__ = (Index("ix_placement_request_waiting", "status", "last_update_at"),)

    id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    requested_by: str = Field(index=True)
    adults: int
    children_ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    family_type: str
    need: str
    municipality_code: str
    reason: str
    status: str
    facility_id: str | None = Field(default=None, index=True)
    centre: str | None = Field(default=None, index=True)  # whose waiting list the family is on
    out_of_region: bool = False
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    last_update_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))  # last report on the family
    lost_from_view_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    outflow: str | None = None
    ended_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class Decline(PlacementTable, table=True):
    __tablename__ = "decline"

    id: int | None = Field(default=None, primary_key=True)
    request_id: UUID = Field(index=True)
    facility_id: str
    reason: str
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Alternative(PlacementTable, table=True):
    """Where a waitlisted family stays meanwhile, as GGD reported it (kept here only, never on Kafka: `note`)."""

    __tablename__ = "alternative"

    id: int | None = Field(default=None, primary_key=True)
    request_id: UUID = Field(index=True)
    kind: str
    note: str = ""
    recorded_by: str
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Withdrawal(PlacementTable, table=True):
    """Triage withdrew a request (the eviction was reversed): what it found and did.

    `outcome` withdrawn: off the list or the offer released; too_late: the family
    was placed already and stays (a placement is never undone from afar)."""

    __tablename__ = "withdrawal"

    request_id: UUID = Field(primary_key=True)
    reason: str
    status_before: str
    outcome: str
    facility_id: str | None = None
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class CaseRegion(PlacementTable, table=True):
    """The municipality of each triage case (from triage's household.assessed events), so a
    GGD can name only a case of its own region in a request (shared.entitlement)."""

    __tablename__ = "case_region"

    case_key: str = Field(primary_key=True)
    municipality_code: str
