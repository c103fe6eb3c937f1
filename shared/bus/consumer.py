"""From raw records to handled events: decode, retry, dead-letter.

Shared by both bus adapters, so the in-memory bus in unit tests behaves like
Kafka does: a record that is not a valid event goes to `<topic>.dlq` with the
reason and its original bytes, and the consumer goes on with the next one.

A batch of records (one partition, in order) is first handled as a whole, in one
database transaction, when the consumer has a batch handler: that is what makes
a busy month cheap. When the batch fails for any reason its transaction is gone,
and every event of it is handled again on its own, with retries and dead letters
per event, so one bad event never takes its neighbours with it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Awaitable, Callable, Sequence

from shared.bus.dead_letter_metrics import count_dead_letter
from shared.bus.port import Bus, OutgoingRecord, Record
from shared.contracts.envelope import ContractError, Event, decode
from shared.contracts.topics import dead_letter_topic

log = logging.getLogger(__name__)

EventHandler = Callable[[Event], Awaitable[None]]
EventBatchHandler = Callable[[Sequence[Event]], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


class Unprocessable(ValueError):
    """A valid event this consumer can never process (e.g. a seal no key opens): dead-letter at once."""


class DeadLetterFailed(RuntimeError):
    """The dead-letter topic did not take the record: the offset must not be committed."""


class EventConsumer:
    def __init__(
        self,
        bus: Bus,
        group_id: str,
        handle: EventHandler,
        retry: RetryPolicy = RetryPolicy(),
        *,
        handle_batch: EventBatchHandler | None = None,
    ):
        self._bus = bus
        self._group_id = group_id
        self._handle = handle
        self._handle_batch = handle_batch
        self._retry = retry
        self.dead_lettered = 0
        self.batches_split = 0

    async def process_batch(self, records: Sequence[Record]) -> None:
        """Handle records of one partition in order: all at once if that succeeds, else one by one."""
        decoded: list[tuple[Record, Event]] = []
        for record in records:
            event = await self._decode(record)
            if event is not None:
                decoded.append((record, event))
        if self._handle_batch is not None and len(decoded) > 1:
            try:
                await self._handle_batch([event for _, event in decoded])
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - nothing of the batch was kept; retried event by event
                self.batches_split += 1
                log.info("batch of %d events failed (%s); handling them one by one", len(decoded), type(exc).__name__)
        for record, event in decoded:
            await self._process_event(record, event)

    async def _decode(self, record: Record) -> Event | None:
        try:
            return decode(record.value)
        except ContractError as exc:
            await self._dead_letter(record, f"rejected: {exc}")
            return None

    async def _process_event(self, record: Record, event: Event) -> None:
        for attempt in range(1, self._retry.attempts + 1):
            try:
                await self._handle(event)
                return
            except asyncio.CancelledError:
                raise
            except Unprocessable as exc:
                await self._dead_letter(record, f"unprocessable: {exc}")
                return
            except Exception as exc:  # noqa: BLE001 - every failure is retried, then dead-lettered with its reason
                log.warning(
                    "handling event %s (%s) failed, attempt %d/%d: %s",
                    event.id, event.type, attempt, self._retry.attempts, type(exc).__name__,
                )
                if attempt == self._retry.attempts:
                    await self._dead_letter(record, f"failed after {attempt} attempts: {type(exc).__name__}: {exc}")
                    return
                await asyncio.sleep(self._retry.delay(attempt))

    async def _dead_letter(self, record: Record, reason: str) -> None:
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
        [error] = await self._bus.publish([outgoing])
        if error is not None:
            raise DeadLetterFailed(f"dead-letter publish failed: {error}") from error
        self.dead_lettered += 1
        log.warning(
            "dead-lettered record %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason[:300]
        )
        count_dead_letter(record.topic, self._group_id, reason)
