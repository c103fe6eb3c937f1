"""The intake's own tables: signals as submitted, how they were routed, and what
the teams reported back (only what the signaller may see: dates, outcome,
collection suspension; never the household's inside information)."""

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Column, Text, UniqueConstraint

from shared.contracts.event_types import SignalType
from shared.contracts.events.triage import AlertKind, Priority
from shared.persistence.database import UtcDateTime
from shared.persistence.enum_columns import enum_field
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

arrears_registry = registry()
METADATA = arrears_registry.metadata


class ArrearsTable(SQLModel, registry=arrears_registry):
    pass


class Signal(ArrearsTable, table=True):
    __tablename__ = "signal"
    __table_args__ = (UniqueConstraint("organisation_id", "idempotency_key"),)

    id: UUID = Field(primary_key=True)
    organisation_id: str = Field(index=True)
    type: SignalType = enum_field(SignalType)
    idempotency_key: str | None = None
    request_sha256: str | None = None  # the body the key was first used with (None: stored before 0011)
    case_key: str
    municipality_code: str
    observed_on: date
    sealed_address: str | None = Field(sa_column=Column(Text, nullable=True))  # None once retention ended
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    outcome: str | None = None  # eviction.executed: evicted, paid_at_door, ... (drives retention)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # the signaller's own words; never on Kafka, removed with the address


class SignalRouting(ArrearsTable, table=True):
    """Where triage sent a signal: what its signaller may see (no household details)."""

    __tablename__ = "signal_routing"

    alert_id: UUID = Field(primary_key=True)
    signal_id: UUID = Field(index=True)
    recipient: str
    kind: AlertKind = enum_field(AlertKind)
    routed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    priority: Priority | None = enum_field(Priority, nullable=True, default=None)
    intermediate_report_due: date | None = None
    final_report_due: date | None = None
    collection_suspended_until: date | None = None  # until the final report (Vroeg Eropaf)


class SignalFeedback(ArrearsTable, table=True):
    """What the team an alert went to reported back (prevention.* events).

    Kept apart from SignalRouting: the alert and the feedback travel on
    different topics, so either may arrive first."""

    __tablename__ = "signal_feedback"

    alert_id: UUID = Field(primary_key=True)
    signal_id: UUID = Field(index=True)
    reported_by: str
    contact_made_on: date | None = None
    intermediate_report_on: date | None = None
    final_report_on: date | None = None
    outcome: str | None = None
    collection_suspended_until: date | None = None

