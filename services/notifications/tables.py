"""Notifications' own tables: subscriptions per organisation (webhooks, and ZGW abonnementen),
every delivery, every alert."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.contracts.events.triage import AlertKind, Priority
from shared.persistence.database import UtcDateTime
from shared.persistence.enum_columns import enum_field
from services.notifications.batching import DeliveryMode

notifications_registry = registry()
METADATA = notifications_registry.metadata


class NotificationsTable(SQLModel, registry=notifications_registry):
    pass


class Subscription(NotificationsTable, table=True):
    __tablename__ = "subscription"

    id: UUID = Field(primary_key=True)
    organisation_id: str = Field(index=True)
    callback_url: str
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret: str
    active: bool = True
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    delivery_mode: DeliveryMode = enum_field(DeliveryMode, default=DeliveryMode.SINGLE)  # services/notifications/batching.py
    batch_max_events: int = 20
    batch_max_wait_seconds: int = 5


class Abonnement(NotificationsTable, table=True):
    """A ZGW Notificaties API abonnement (services/notifications/zgw, docs/adr/0019). Its
    deliveries are `Delivery` rows whose `subscription_id` is this id."""

    __tablename__ = "abonnement"

    id: UUID = Field(primary_key=True)
    organisation_id: str = Field(index=True)
    callback_url: str
    auth: str  # the Authorization header value sent with every notificatie; never shown again
    kanalen: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{naam, filters}]
    active: bool = True  # false once deleted: queued deliveries still go out, as for webhooks
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Delivery(NotificationsTable, table=True):
    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("event_id", "subscription_id"),)

    id: UUID = Field(primary_key=True)
    event_id: UUID
    event_type: str
    subscription_id: UUID = Field(index=True)  # a Subscription's or an Abonnement's id
    recipient: str = Field(index=True)
    case_key: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(index=True)  # pending | delivered | dead
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    last_error: str | None = None
    last_status_code: int | None = None
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class Alert(NotificationsTable, table=True):
    """Every alert notifications consumed, webhook or not: the inbox, acknowledgements and escalations.

    `acknowledgement_due` is the durable timer: the escalation check selects
    unacknowledged, unescalated rows whose moment has passed."""

    __tablename__ = "alert"

    alert_id: UUID = Field(primary_key=True)
    event_id: UUID = Field(unique=True)  # CloudEvent id of alert.raised
    recipient: str = Field(index=True)
    case_key: str
    kind: AlertKind = enum_field(AlertKind)
    priority: Priority = enum_field(Priority)
    reason: str
    municipality_code: str
    district: str | None = None
    due: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    raised_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    body: str = Field(sa_column=Column(Text, nullable=False))  # the CloudEvent as published (a webhook gets its own `sequence`)
    acknowledgement_due: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    acknowledged_by: str | None = None  # organisation id
    acknowledged_by_worker: str | None = None  # the organisation's own worker id, never a name
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    escalated_to: str | None = Field(default=None, index=True)
