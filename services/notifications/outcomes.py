"""Writes what sending found out (delivered, retry later, dead) in batches, and keeps trying
while the database is away: an outcome is never dropped, since a dropped one is sent again.

An outcome is written only while its delivery still carries the lease its claim set (a
fence): written twice (a commit whose answer was lost) or after another instance took the
delivery over, it changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import datetime
from typing import Callable
from uuid import UUID

from sqlalchemy import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.deliveries import AlertDelivered
from shared.contracts import event_types
from shared.metrics.registry import DeliveryOutcome
from shared.runtime import Runtime
from services.notifications.backoff import Backoff, Streak
from services.notifications.outcome_rows import Outcome, write_delivered, write_failed

log = logging.getLogger(__name__)
RECORD_BATCH = 500
ANNOUNCED = frozenset({event_types.ALERT_RAISED, event_types.ALERT_ESCALATED})  # deliveries that emit alert.delivered


class OutcomeRecorder:
    """One writer per deliverer: waits for outcomes, writes each with every other one queued meanwhile."""

    def __init__(self, runtime: Runtime, backoff: Backoff, retry_scheduled: Callable[[], None] = lambda: None):
        self._runtime = runtime
        self._backoff = backoff
        self._retry_scheduled = retry_scheduled  # wakes the deliverer, which then sleeps until the retry is due
        self._pending: list[Outcome] = []
        self._arrived = asyncio.Event()
        self._closing = False
        self.held: set[UUID] = set()  # claimed here and not yet recorded: never claimed again here
        self.streak = Streak()
        self.writes = 0  # transactions that recorded outcomes (a metric)
        runtime.metrics.count_deliveries()

    def hold(self, delivery_id: UUID) -> None:
        self.held.add(delivery_id)

    def add(self, outcome: Outcome) -> None:
        self._pending.append(outcome)
        self._arrived.set()

    @property
    def unrecorded(self) -> int:
        return len(self._pending)

    async def run(self) -> None:
        while self._pending or not self._closing:
            if not self._pending:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            batch = self._pending[:RECORD_BATCH]
            try:
                await self._write(batch)
            except Exception:  # noqa: BLE001 - kept and written when the database is back
                await self._pause_after_failure(len(batch))
                continue
            self.writes += 1
            lasted = self.streak.succeeded(time.monotonic())
            if lasted is not None:
                log.warning("delivery outcomes recorded again after %.1fs of failures", lasted)
            del self._pending[: len(batch)]
            self.held.difference_update(outcome.delivery_id for outcome in batch)

    async def close(self, task: asyncio.Task, timeout: float) -> None:
        """Write what is left, for at most `timeout` seconds, then stop the writer."""
        self._closing = True
        self._arrived.set()
        await asyncio.wait({task}, timeout=timeout)
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            log.warning("%d delivery outcome(s) not recorded at shutdown: sent again after their lease", self.unrecorded)

    async def _pause_after_failure(self, size: int) -> None:
        first = self.streak.failing_since is None
        pause = self.streak.failed(time.monotonic())
        if first:
            log.warning("recording %d delivery outcome(s) failed; keeping them and retrying", size, exc_info=True)
        await asyncio.sleep(pause)

    async def _write(self, outcomes: list[Outcome]) -> None:
        now = self._runtime.clock.now()
        async with self._runtime.sessions() as session, session.begin():
            connection = await session.connection()
            delivered = await write_delivered(connection, [o for o in outcomes if o.error is None], now)
            failed = await write_failed(connection, [o for o in outcomes if o.error is not None], self._backoff, now)
            for row in delivered:
                if row.event_type in ANNOUNCED:
                    self._announce(session, row, now)
        written = {row.id for row in delivered} | {failure.id for failure in failed}
        for outcome in outcomes:
            if outcome.delivery_id not in written:
                log.info("outcome of delivery %s not recorded: its lease has moved on", outcome.delivery_id)
        recorded = Counter({DeliveryOutcome.DELIVERED: len(delivered)})
        for failure in failed:
            if failure.next_attempt_at is None:
                log.warning("delivery %s of event %s dead after %d attempts", failure.id, failure.event_id, failure.attempts)
            recorded[DeliveryOutcome.RETRY if failure.next_attempt_at else DeliveryOutcome.DEAD] += 1
        if recorded[DeliveryOutcome.RETRY]:
            self._retry_scheduled()  # committed: the deliverer's next sleep ends when the retry is due
        for kind, count in recorded.items():
            if count:
                self._runtime.metrics.delivery(kind, count)

    def _announce(self, session: AsyncSession, delivery: Row, now: datetime) -> None:
        self._runtime.emit(
            session,
            AlertDelivered(
                event_id=delivery.event_id,
                event_type_delivered=delivery.event_type,
                recipient=delivery.recipient,
                subscription_id=delivery.subscription_id,
                attempts=delivery.attempts,
                delivered_at=now,
            ),
            subject=delivery.case_key,
        )
