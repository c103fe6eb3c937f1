"""What the monitor reacts to on Kafka, in one map (shared.event_handlers): every event that
contributes a fact or a profile to the counts (services.monitor.domain.reading) is read
and collected; the batch's counts are written once, after its effects (app.py).
"""

from __future__ import annotations

from typing import Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import topics
from shared.contracts.envelope import Event
from shared.contracts.events import REGISTRY, EventData
from shared.persistence.inbox import Effect
from services.monitor.counts import CountStore
from services.monitor.domain.reading import COUNTED_TYPES, read
from services.monitor.settings import MonitorSettings


def consumers(settings: MonitorSettings) -> dict[str, str]:
    """One consumer reads every topic. Its name carries the generation: Kafka's committed
    offsets and the processed-event rows carry it, so a new generation re-reads everything."""
    return dict.fromkeys(topics.ALL, settings.consumer_name)


def on_counted(counts: CountStore) -> Effect:
    """An event of the chain: its facts and profiles to the counts of this batch."""

    async def count(session: AsyncSession, event: Event) -> None:
        counts.collect(session, read(event))

    return count


EVENT_HANDLERS: dict[type[EventData], Callable[[CountStore], Effect]] = {
    REGISTRY[event_type]: on_counted for event_type in COUNTED_TYPES
}
