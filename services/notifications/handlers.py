"""What notifications reacts to on Kafka, in one map (shared.event_handlers): alerts and
placement news, each fanned out to the subscriptions of those it concerns; an alert is
also kept for the inbox and its escalation timer (services.notifications.fanout, alerts)."""

from __future__ import annotations

from typing import Callable

from shared.contracts import event_types, topics
from shared.contracts.events import EventData
from shared.contracts.events import placement
from shared.contracts.events.triage import AlertRaised
from shared.persistence.inbox import Effect
from services.notifications.fanout import Fanout

# One consumer reads both topics. Kafka's committed offsets and the processed-event rows
# carry its name: renaming it reprocesses both.
CONSUMERS = {topics.ALERTS: "notifications", topics.PLACEMENT: "notifications"}


def on_notifiable(fanout: Fanout) -> Effect:
    """An alert or placement news: to the subscriptions of its recipients (an alert also to the inbox)."""
    return fanout.apply


EVENT_HANDLERS: dict[type[EventData], Callable[[Fanout], Effect]] = {
    AlertRaised: on_notifiable,
    placement.PlacementWaitlisted: on_notifiable,
    placement.PlacementOffered: on_notifiable,
    placement.PlacementConfirmed: on_notifiable,
    placement.PlacementDeclined: on_notifiable,
    placement.PlacementLostFromView: on_notifiable,
    placement.PlacementEnded: on_notifiable,
    placement.PlacementWithdrawalHandled: on_notifiable,
    placement.PlacementPlanReminder: on_notifiable,
    placement.PlacementPlanOverdue: on_notifiable,
    placement.PlacementPlanMade: on_notifiable,
    placement.PlacementRestAdmitted: on_notifiable,
}

CONSUMED: tuple[str, ...] = tuple(model.event_type for model in EVENT_HANDLERS)
# What a subscription may ask for: what is consumed, and alert.escalated, which notifications
# raises itself (services.notifications.escalation).
NOTIFIABLE = (*CONSUMED, event_types.ALERT_ESCALATED)
NOTIFIABLE_NAMES = frozenset(event_types.short_name(t) for t in NOTIFIABLE)
