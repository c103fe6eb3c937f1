"""What placement reacts to on Kafka, in one map: each event type and the use case it starts.

A handler only translates an event's envelope into the use case's arguments. app.py
gives the handlers the runtime and runs one consumer per topic (`CONSUMERS`), each event
in one transaction with its processed-event row (shared.event_handlers).
"""

from __future__ import annotations

from typing import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import topics
from shared.contracts.envelope import Event
from shared.contracts.events import EventData
from shared.contracts.events.triage import HouseholdAssessed, PlacementRequested, PlacementWithdrawn
from shared.runtime import Runtime
from services.placement.requesting import remember_case_region, take_from_triage
from services.placement.withdrawals import withdraw

# The consumer of each topic placement reads. Kafka's committed offsets and the
# processed-event rows carry these names: renaming one reprocesses its topic.
CONSUMERS = {topics.PLACEMENT_REQUESTS: "placement", topics.TRIAGE: "placement-cases"}


async def on_requested(runtime: Runtime, session: AsyncSession, event: Event) -> None:
    await take_from_triage(runtime, session, event.data, event.subject)


async def on_withdrawn(runtime: Runtime, session: AsyncSession, event: Event) -> None:
    await withdraw(runtime, session, event.data)


async def on_case_assessed(_runtime: Runtime, session: AsyncSession, event: Event) -> None:
    await remember_case_region(session, event.subject, event.data.municipality_code, event.envelope.time)


EVENT_HANDLERS: dict[type[EventData], Callable[[Runtime, AsyncSession, Event], Awaitable[None]]] = {
    PlacementRequested: on_requested,
    PlacementWithdrawn: on_withdrawn,
    HouseholdAssessed: on_case_assessed,
}

