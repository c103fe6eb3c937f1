"""From raw records to handled events: decode, hold on a transient failure, dead-letter poison.

Shared by both bus adapters, so the in-memory bus in unit tests behaves like
Kafka does. What a failure means decides what happens (shared.faults.classify):

- transient (database, register or broker away, a timeout, a serialization or
  deadlock conflict): the partition is held. The same records are tried again with
  capped backoff for as long as it takes; nothing is committed meanwhile and
  nothing is dead-lettered. The hold shows in readiness and metrics (shared.outages).
- poison (a record that is not a valid event, or `Unprocessable`): to `<topic>.dlq`
  at once with the reason and its original bytes; the consumer goes on.
- unknown (a bug): retried `RetryPolicy.attempts` times; then dead-lettered, unless
  this service's own database does not answer, in which case it is held as transient.
  Why: docs/adr/0025-transient-is-not-poison.md.

A batch of records (what one fetch returned: each partition's records in order) is first handled as a whole, in one
database transaction, when the consumer has a batch handler: that is what makes a
busy month cheap. A transient failure holds the whole batch; any other failure
splits it, and every event is handled again on its own, so one bad event never
takes its neighbours with it.

Each event is handled in a span of its own, child of the trace context it carries
(shared.bus.event_spans): one family's signal is one trace across the services.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Awaitable, Callable, Sequence

from opentelemetry.trace import Tracer, get_tracer

from shared.bus.event_spans import handling, handling_batch
from shared.bus.port import Bus, OutgoingRecord, Record
from shared.contracts.envelope import ContractError, Event, decode
from shared.contracts.topics import dead_letter_topic
from shared.faults import Dependency, FailureKind, PoisonFailure, Verdict, classify
from shared.outages import Outages, RetryPolicy, pause

log = logging.getLogger(__name__)

EventHandler = Callable[[Event], Awaitable[None]]
EventBatchHandler = Callable[[Sequence[Event]], Awaitable[None]]
Probe = Callable[[], Awaitable[bool]]

__all__ = ["EventConsumer", "RetryPolicy", "Stopped", "Unprocessable"]


class Unprocessable(PoisonFailure, ValueError):
    """A valid event this consumer can never process (e.g. a seal no key opens): dead-letter at once."""


class Stopped(Exception):
    """The service stopped while a batch was held: nothing of it is committed, so it replays."""


class EventConsumer:
    def __init__(
        self,
        bus: Bus,
        group_id: str,
        handle: EventHandler,
        retry: RetryPolicy = RetryPolicy(),
        *,
        handle_batch: EventBatchHandler | None = None,
        outages: Outages | None = None,
        database_answers: Probe | None = None,
        tracer: Tracer | None = None,
    ):
        self._bus = bus
        self._group_id = group_id
        self._handle = handle
        self._handle_batch = handle_batch
        self._retry = retry
        self._database_answers = database_answers
        self._tracer = tracer or get_tracer(__name__)  # the runtime's; else the global one (context only)
        self.outages = outages if outages is not None else Outages()
        self.stopping: asyncio.Event | None = None  # set by the worker that runs this consumer
        self.dead_lettered = 0
        self.batches_split = 0

    async def process_batch(self, records: Sequence[Record]) -> None:
        """Handle records in order (each partition's in order): all at once if that succeeds, else one by one.

        Returns only when every record is handled or dead-lettered; raises `Stopped`
        when the service stops while a dependency is away."""
        try:
            decoded: list[tuple[Record, Event]] = []
            for record in records:
                event = await self._decode(record)
                if event is not None:
                    decoded.append((record, event))
            if self._handle_batch is not None and len(decoded) > 1:
                if await self._handle_whole_batch(decoded):
                    return
            for record, event in decoded:
                await self._process_event(record, event)
        except BaseException:
            if records:  # stopped, or the partition taken away: this process holds it no more
                self.outages.recovered(self._holder(records[0]))
            raise

    async def _handle_whole_batch(self, decoded: list[tuple[Record, Event]]) -> bool:
        """True when the batch went through; False when it must be split (not a dependency failure)."""
        holder = self._holder(decoded[0][0])
        events = [event for _, event in decoded]
        while True:
            try:
                with handling_batch(self._tracer, decoded, self._group_id):
                    await self._handle_batch(events)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified: held, or split into single events
                verdict = classify(exc)
                if verdict.transient:
                    await self._hold(holder, verdict)
                    continue
                self.batches_split += 1
                log.info("batch of %d events failed (%s); handling them one by one", len(events), verdict.reason)
                return False
            self.outages.recovered(holder)
            return True

    async def _decode(self, record: Record) -> Event | None:
        try:
            return decode(record.value)
        except ContractError as exc:
            await self._dead_letter(record, f"rejected: {exc}")
            return None

    async def _process_event(self, record: Record, event: Event) -> None:
        holder = self._holder(record)
        unknown_failures = 0
        while True:
            try:
                with handling(self._tracer, record, event, self._group_id):
                    await self._handle(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below; nothing is dropped silently
                verdict = classify(exc)
                if verdict.kind is FailureKind.POISON:
                    self.outages.recovered(holder)
                    await self._dead_letter(record, f"unprocessable: {exc}")
                    return
                if verdict.kind is FailureKind.UNKNOWN:
                    unknown_failures += 1
                    self.outages.unclassified[holder] += 1
                    log.warning(
                        "handling event %s (%s) failed, attempt %d/%d: %s",
                        event.id, event.type, unknown_failures, self._retry.attempts, verdict.reason,
                    )  # fmt: skip
                    if unknown_failures < self._retry.attempts:
                        await self._wait(self._retry.delay(unknown_failures))
                        continue
                    if await self._database_answers_now():
                        self.outages.recovered(holder)
                        reason = f"failed after {unknown_failures} attempts: {type(exc).__name__}: {exc}"
                        await self._dead_letter(record, reason)
                        return
                    verdict = Verdict(FailureKind.TRANSIENT, Dependency.DATABASE, f"{verdict.reason} (database not answering)")
                await self._hold(holder, verdict)
                continue
            self.outages.recovered(holder)
            return

    async def _hold(self, holder: str, verdict: Verdict) -> None:
        """Note the hold, wait with capped backoff; raise Stopped when the service stops meanwhile."""
        failures = self.outages.failed(holder, verdict)
        delay = self._retry.delay(failures)
        if failures == 1 or failures % 20 == 0:
            log.warning("%s held: %s away (%s); retrying in %.1fs", holder, verdict.dependency, verdict.reason, delay)
        await self._wait(delay)

    async def _wait(self, seconds: float) -> None:
        if await pause(self.stopping, seconds):
            raise Stopped(f"stopped while held; uncommitted records of {self._group_id} replay")

    async def _database_answers_now(self) -> bool:
        return True if self._database_answers is None else await self._database_answers()

    def _holder(self, record: Record) -> str:
        return f"consumer {self._group_id} {record.topic}[{record.partition}]"

    async def _dead_letter(self, record: Record, reason: str) -> None:
        """Park the record on `<topic>.dlq`; while the broker does not take it, hold (the offset stays)."""
        headers = tuple(record.headers) + (
            ("dlq-reason", reason[:2000].encode()),
            ("dlq-source-topic", record.topic.encode()),
            ("dlq-source-partition", str(record.partition).encode()),
            ("dlq-source-offset", str(record.offset).encode()),
            ("dlq-consumer-group", self._group_id.encode()),
            ("dlq-time", datetime.now(UTC).isoformat().encode()),
        )
        outgoing = OutgoingRecord(
            topic=dead_letter_topic(record.topic),
            key=(record.key or b"").decode(errors="replace"),
            value=record.value or b"",
            headers=headers,
        )
        holder = self._holder(record)
        while (error := (await self._bus.publish([outgoing]))[0]) is not None:
            await self._hold(holder, Verdict(FailureKind.TRANSIENT, Dependency.BROKER, f"dead-letter publish failed: {error!r}"))
        self.outages.recovered(holder)
        self.dead_lettered += 1
        log.warning(
            "dead-lettered record %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason[:300]
        )
