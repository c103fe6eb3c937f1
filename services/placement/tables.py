"""Placement's own tables: facilities with capacity, requests, declines."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

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
    __tablename__ = "placement_request"

    id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    requested_by: str = Field(index=True)
    adults: int
    children_ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    family_type: str
    need: str
    municipality_code: str
    reason: str
    status: str  # offered | waitlisted | placed | ended
    facility_id: str | None = Field(default=None, index=True)
    out_of_region: bool = False
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Decline(PlacementTable, table=True):
    __tablename__ = "decline"

    id: int | None = Field(default=None, primary_key=True)
    request_id: UUID = Field(index=True)
    facility_id: str
    reason: str
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
