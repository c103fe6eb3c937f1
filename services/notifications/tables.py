"""Notifications' own tables: subscriptions per organisation and every delivery."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

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
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Delivery(NotificationsTable, table=True):
    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("event_id", "subscription_id"),)

    id: UUID = Field(primary_key=True)
    event_id: UUID
    event_type: str
    subscription_id: UUID = Field(index=True)
    recipient: str = Field(index=True)
    case_key: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(index=True)  # pending | delivered | dead
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    last_error: str | None = None
    last_status_code: int | None = None
    delivered_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
