"""What the intake reacts to on Kafka, in one map (shared.event_handlers): triage's routing
of a signal and the teams' feedback on it, kept so its signaller can see them
(services.arrears.follow_up)."""

from __future__ import annotations

from typing import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import topics
from shared.contracts.envelope import Event
from shared.contracts.events import EventData
from shared.contracts.events.prevention import ContactMade, FinalReport, IntermediateReport
from shared.contracts.events.triage import AlertRaised
from services.arrears.follow_up import record_feedback, record_routing

# The consumer of each topic the intake reads. Kafka's committed offsets and the
# processed-event rows carry these names: renaming one reprocesses its topic.
CONSUMERS = {topics.ALERTS: "arrears", topics.PREVENTION: "arrears-feedback"}


async def on_alert_raised(session: AsyncSession, event: Event) -> None:
    await record_routing(session, event.data, event.envelope.time)


async def on_feedback(session: AsyncSession, event: Event) -> None:
    await record_feedback(session, event.data)


EVENT_HANDLERS: dict[type[EventData], Callable[[AsyncSession, Event], Awaitable[None]]] = {
    AlertRaised: on_alert_raised,
    ContactMade: on_feedback,
    IntermediateReport: on_feedback,
    FinalReport: on_feedback,
}
