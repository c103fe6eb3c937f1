"""Triage in-process, for tests: the signals as the intake publishes them, the
dwellings of the register stand-in's test persons, and a driver that puts signals
on the bus, waits until triage handled them, and moves the clock."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.bus.port import OutgoingRecord
from shared.clock import FakeClock
from shared.contracts import event_types
from shared.contracts.envelope import decode, encode, new_event
from shared.contracts.events import signals
from shared.persistence.inbox import ProcessedEvent
from shared.privacy import Dwelling
from tests.support.wait import wait_for

SOURCES = {
    "ymere": "urn:nld:kvk:90000001:systeem:incasso",
    "eigen-haard": "urn:nld:kvk:90000002:systeem:incasso",
    "mitros": "urn:nld:kvk:90000003:systeem:incasso",
    "woonfriesland": "urn:nld:kvk:90000004:systeem:incasso",
    "brabantwonen": "urn:nld:kvk:90000005:systeem:incasso",
    "deurwaarder-amsterdam": "urn:nld:kvk:90000010:systeem:ontruimingen",
    "deurwaarder-noord": "urn:nld:kvk:90000011:systeem:ontruimingen",
    "politie-noord-nederland": "urn:nld:oin:00000099000000000021:systeem:meldingen",
    "gemeente-oss": "urn:nld:oin:00000099000000000063:systeem:meldingen",
    "verdihuis": "urn:nld:kvk:90000054:systeem:plaatsing",
}
MODELS = {
    "arrears.reported": signals.ArrearsReported,
    "arrears.resolved": signals.ArrearsResolved,
    "eviction.verdict-issued": signals.VerdictIssued,
    "eviction.scheduled": signals.EvictionScheduled,
    "eviction.cancelled": signals.EvictionCancelled,
    "eviction.executed": signals.EvictionExecuted,
    "eviction.family-found": signals.FamilyFoundAtEviction,
    "concern.reported": signals.ConcernReported,
    "corporation.contact-attempted": signals.ContactAttempted,
    "support.relapsed": signals.SupportRelapsed,
}

AMSTERDAM_FAMILY = "0363010001004477"  # two parents, children born 1999-2019
AMSTERDAM_SINGLE = "0363010001014485"
LEEUWARDEN_FAMILY = "0080019999000001"
UTRECHT_FAMILY = "0344010000192444"
OSS_FAMILY = "0828019999000001"
POSSIBLE_RESIDENT = "0363010012086548"  # move-in date wholly unknown: a possible resident on any date


@dataclass
class Triage:
    """Drives a running triage app: signals in, events out, time forward."""

    app: object
    client: object
    bus: InMemoryBus
    clock: FakeClock
    runtime: object

    def case_key(self, dwelling: str) -> str:
        return self.runtime.pseudonym(dwelling)

    async def signal(self, kind: str, dwelling: str, *, by: str = "ymere", observed_on: date | None = None, **facts) -> str:
        """Publish a signal as the intake would and wait until triage handled it; returns its id.
        The event carries a trace context whose trace id is the signal's id (hex), as if the
        partner's POST had sent it: what triage does for the signal belongs to that trace."""
        event = self.signal_event(kind, dwelling, by=by, observed_on=observed_on, **facts)
        await self.bus.publish([OutgoingRecord("signals", event.subject, encode(event))])
        await self.handled(event.id, "triage")
        return str(event.id)

    async def signals_together(self, events: list) -> None:
        """Publish several signals at once (one consumed batch per partition) and wait for all."""
        await self.bus.publish([OutgoingRecord("signals", event.subject, encode(event)) for event in events])
        for event in events:
            await self.handled(event.id, "triage")

    @property
    def batches_split(self) -> int:
        """Consumed batches that fell back to one event at a time, over triage's consumers."""
        return sum(consumer.batches_split for consumer in self.runtime.consumers)

    def signal_event(self, kind: str, dwelling: str, *, by: str = "ymere", observed_on: date | None = None, **facts):
        """The signal's event as the intake publishes it (see `signal`)."""
        signal_id = uuid.uuid4()
        data = MODELS[kind](
            signal_id=signal_id,
            reported_by=by,
            sealed_address=self.runtime.address_seal.seal(Dwelling(dwelling)),
            municipality_code=dwelling[:4],
            observed_on=observed_on or self.clock.now().date(),
            **facts,
        )
        event = new_event(
            data, source=SOURCES[by], subject=self.case_key(dwelling), time=self.clock.now(), event_id=signal_id,
            trace_context={"traceparent": f"00-{signal_id.hex}-{secrets.token_hex(8)}-01"},
        )  # fmt: skip
        return event

    async def handled(self, event_id: uuid.UUID, consumer: str) -> None:
        """Wait until `consumer` processed the event, then until its events left the outbox."""

        async def processed():
            async with self.runtime.sessions() as session:
                query = select(ProcessedEvent).where(ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event_id)
                return (await session.exec(query)).first()

        await wait_for(processed, what=f"{consumer} handled {event_id}")
        await self.flush()

    def events(self, topic: str, event_type: str | None = None) -> list:
        decoded = [decode(record.value) for record in self.bus.records(topic)]
        return [event for event in decoded if event_type is None or event.type == event_type]

    def alerts(self, recipient: str | None = None, **match) -> list:
        found = [event.data for event in self.events("alerts", event_types.ALERT_RAISED)]
        if recipient is not None:
            found = [alert for alert in found if alert.recipient == recipient]
        for name, value in match.items():
            found = [alert for alert in found if getattr(alert, name) == value]
        return found

    async def flush(self) -> None:
        """Let the relay publish what the last transaction staged."""
        backlog = self.runtime.relay.backlog

        async def empty():
            return await backlog() == 0

        await wait_for(empty, what="outbox published")

    async def advance(self, **delta) -> None:
        """Move the clock and run the timers once, as the timer worker would on its next tick."""
        self.clock.advance(**delta)
        await self.app.state.timers.check(self.clock.now())
        await self.flush()
