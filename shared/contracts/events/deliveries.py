"""What notifications publishes about alerts it delivered (topic `deliveries`)."""

from datetime import datetime
from uuid import UUID

from shared.contracts import event_types, topics
from shared.contracts.events.base import EventData


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

    acknowledged_by: str
    acknowledged_at: datetime


class AlertEscalated(DeliveryData):
    event_type = event_types.ALERT_ESCALATED

    escalated_to: str
    escalated_at: datetime
