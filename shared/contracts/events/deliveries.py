"""What notifications publishes about alerts it delivered (topic `deliveries`).

`event_id` is the CloudEvent id of the delivered event, `recipient` the
organisation it was addressed to. No person travels here: an acknowledgement
names the organisation, never the worker.
"""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData
from shared.contracts.events.signals import MunicipalityCode
from shared.contracts.events.triage import AlertKind, Priority


class DeliveryData(EventData):
    topic = topics.DELIVERIES

    event_id: UUID
    event_type_delivered: str
    recipient: str


class AlertDelivered(DeliveryData):
    event_type = event_types.ALERT_DELIVERED

    subscription_id: UUID
    attempts: int
    delivered_at: datetime


class AlertAcknowledged(DeliveryData):
    event_type = event_types.ALERT_ACKNOWLEDGED

    alert_id: UUID
    acknowledged_by: str = Field(description="organisation id: the recipient, or the fallback it escalated to")
    acknowledged_at: datetime


class AlertEscalated(DeliveryData):
    """An alert nobody acknowledged in time, now addressed to `escalated_to` (it is delivered there).

    Carries what the fallback needs to act; the case itself is the `subject`."""

    event_type = event_types.ALERT_ESCALATED

    alert_id: UUID
    escalated_to: str = Field(description="fallback organisation id that must act now")
    escalated_at: datetime
    kind: AlertKind
    priority: Priority
    reason: str
    due: datetime
    acknowledgement_due: datetime = Field(description="the moment the recipient should have acknowledged by")
    municipality_code: MunicipalityCode
    district: str | None = None
