"""What triage reacts to on Kafka, in one map: each event type and the use case it starts.

A handler only translates an event's envelope into the use case's arguments; the use
cases are in services.triage.case. app.py gives the handlers their use cases and runs
one consumer per topic (`CONSUMERS`), each in one transaction with its processed-event
row (shared.event_handlers). A partner's signal is looked up first, outside
the transaction (shared.persistence.inbox.Prepared), so no transaction waits on HTTP;
a consumed batch of signals reads the cases they belong to in one query (case.keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts import event_types, topics
from shared.contracts.envelope import Event
from shared.contracts.events import EventData
from shared.contracts.events import placement as placement_events
from shared.contracts.events import signals as signal_events
from shared.persistence.inbox import Effect, Prepared
from services.triage.case.looking import Looked, SignalLookup
from services.triage.case.placement import PlacementNews
from services.triage.case.received import Signal
from services.triage.case.signal import SignalTriage

# The consumer of each topic triage reads. Kafka's committed offsets and the
# processed-event rows carry these names: renaming one reprocesses its topic.
CONSUMERS = {topics.SIGNALS: "triage", topics.PLACEMENT: "triage-placement"}


@dataclass(frozen=True)
class UseCases:
    lookup: SignalLookup
    triage: SignalTriage
    placement_news: PlacementNews


Handler = Callable[[UseCases], Effect | Prepared]


def received(event: Event) -> Signal:
    return Signal(data=event.data, type=event.data.signal_type, key=event.subject, event_id=event.id)


def on_signal(cases: UseCases) -> Prepared:
    """A partner's signal: who lives there (before the transaction), then the case."""

    async def look(event: Event) -> Looked:
        return await cases.lookup.look(received(event))

    async def triage(session: AsyncSession, event: Event, looked: Looked) -> None:
        await cases.triage.apply(session, received(event), looked)

    async def read_ahead(session: AsyncSession, batch: Sequence[tuple[Event, Looked]]) -> None:
        await cases.triage.read_ahead(session, [(received(event), looked) for event, looked in batch])

    return Prepared(prepare=look, apply=triage, read_ahead=read_ahead)


def on_placement_news(cases: UseCases) -> Effect:
    """Placement's news about a request triage made."""

    async def record(session: AsyncSession, event: Event) -> None:
        await cases.placement_news.record(session, event.subject, event.data, event_types.short_name(event.type), event.id)

    return record


EVENT_HANDLERS: dict[type[EventData], Handler] = {
    signal_events.ArrearsReported: on_signal,
    signal_events.ArrearsResolved: on_signal,
    signal_events.VerdictIssued: on_signal,
    signal_events.EvictionScheduled: on_signal,
    signal_events.EvictionCancelled: on_signal,
    signal_events.EvictionExecuted: on_signal,
    signal_events.FamilyFoundAtEviction: on_signal,
    signal_events.ConcernReported: on_signal,
    signal_events.ContactAttempted: on_signal,
    signal_events.SupportRelapsed: on_signal,
    placement_events.PlacementWaitlisted: on_placement_news,
    placement_events.PlacementOffered: on_placement_news,
    placement_events.PlacementConfirmed: on_placement_news,
    placement_events.PlacementDeclined: on_placement_news,
    placement_events.PlacementLostFromView: on_placement_news,
    placement_events.PlacementEnded: on_placement_news,
    placement_events.PlacementWithdrawalHandled: on_placement_news,
}

