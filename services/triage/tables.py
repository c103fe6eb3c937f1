"""Triage's own tables: one case per household (dwelling), its timeline, its alerts.

Identifying data stays out: the case knows the dwelling only as its pseudonym
and the household only as counts and ages in years.
"""

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

triage_registry = registry()
METADATA = triage_registry.metadata


def _moment(**kwargs):
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


class TriageTable(SQLModel, registry=triage_registry):
    pass


class HouseholdCase(TriageTable, table=True):
    __tablename__ = "household_case"

    case_key: str = Field(primary_key=True)
    municipality_code: str = Field(index=True)
    district: str | None = None
    state: str
    is_family: bool | None = None
    persons: int = 0
    minors: int = 0
    minor_ages: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    composition_source: str = "unknown"
    assessed_on: date | None = None
    case_lead: str | None = None
    last_arrears_months: int | None = None
    opened_at: datetime = _moment(nullable=False)
    updated_at: datetime = _moment(nullable=False)


class CaseEntry(TriageTable, table=True):
    """One line of a case's timeline. Append-only: history is never edited."""

    __tablename__ = "case_entry"

    id: int | None = Field(default=None, primary_key=True)
    case_key: str = Field(index=True)
    at: datetime = _moment(nullable=False)
    kind: str  # signal | assessment | decision | alert | placement | state
    event_id: UUID | None = None
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Alert(TriageTable, table=True):
    __tablename__ = "alert"

    alert_id: UUID = Field(primary_key=True)
    case_key: str = Field(index=True)
    signal_id: UUID
    recipient: str = Field(index=True)
    kind: str
    priority: str
    due: datetime = _moment(nullable=False)
    rule_id: str
    raised_at: datetime = _moment(nullable=False)


class CaseRead(TriageTable, table=True):
    """Audit log of case reads: who, for which organisation, when, what and why. Append-only."""

    __tablename__ = "case_read"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: str = Field(index=True)
    case_key: str = Field(index=True)
    purpose: str
    at: datetime = _moment(nullable=False)
