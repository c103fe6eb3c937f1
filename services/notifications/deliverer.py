"""Sends due deliveries to webhooks: signed, concurrent, retried, then dead-lettered.

A delivery is claimed with a lease (its next attempt moved a minute ahead)
before it is sent, so two replicas never send it at once and a crash mid-send
only delays it. A slow receiver holds one slot, never the others.

Outcomes are written by one recorder, in batches: when idle each outcome is
written at once, under load many share a transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import httpx
from sqlmodel import col, select

from shared.contracts import event_types
from shared.contracts.events.deliveries import AlertDelivered
from shared.runtime import Runtime
from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from services.notifications.backoff import Backoff
from services.notifications.tables import Delivery, Subscription

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
BATCH = 100
RECORD_BATCH = 500
ANNOUNCED = frozenset({event_types.ALERT_RAISED, event_types.ALERT_ESCALATED})  # deliveries that emit alert.delivered


@dataclass(frozen=True)
class Claimed:
    """What sending needs, read with the claim: no second query per delivery."""

    id: UUID
    event_id: UUID
    body: str
    callback_url: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    delivery_id: UUID
    status_code: int | None
    error: str | None


class Deliverer:
    def __init__(
        self, runtime: Runtime, client: httpx.AsyncClient, backoff: Backoff, concurrency: int = 20, lease: timedelta = LEASE
    ):
        self._lease = lease
        self._runtime = runtime
        self._client = client
        self._backoff = backoff
        self._slots = asyncio.Semaphore(concurrency)
        self._wakeup = asyncio.Event()
        self._in_flight: set[asyncio.Task] = set()
        self._outcomes: asyncio.Queue[Outcome] = asyncio.Queue()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        recorder = asyncio.create_task(self._record_outcomes())
        try:
            while not stop.is_set():
                claimed = await self.claim_due()
                for delivery in claimed:
                    task = asyncio.create_task(self._send_and_queue(delivery))
                    self._in_flight.add(task)
                    task.add_done_callback(self._in_flight.discard)
                if len(claimed) < BATCH:
                    self._wakeup.clear()
                    try:
                        await asyncio.wait_for(self._wakeup.wait(), timeout=0.2)
                    except TimeoutError:
                        pass
        finally:
            if self._in_flight:
                await asyncio.wait(self._in_flight, timeout=10)
            recorder.cancel()
            await asyncio.gather(recorder, return_exceptions=True)
            await self._record_queued()  # what was sent is recorded before we stop

    async def deliver_due_now(self) -> int:
        """Send everything due and record the outcomes before returning (tests and the CLI use this)."""
        claimed = await self.claim_due()
        await self._record(list(await asyncio.gather(*(self._send(delivery) for delivery in claimed))))
        return len(claimed)

    async def claim_due(self) -> list[Claimed]:
        now = self._runtime.clock.now()
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(Delivery, Subscription.callback_url, Subscription.secret)
                .join(Subscription, col(Subscription.id) == col(Delivery.subscription_id))
                .where(Delivery.status == "pending", col(Delivery.next_attempt_at) <= now)
                .order_by(col(Delivery.next_attempt_at))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(of=Delivery, skip_locked=True)
            due = (await session.exec(query)).all()
            for delivery, _, _ in due:
                delivery.next_attempt_at = now + self._lease
                session.add(delivery)
        return [Claimed(d.id, d.event_id, d.body, url, secret) for d, url, secret in due]

    async def _send_and_queue(self, delivery: Claimed) -> None:
        self._outcomes.put_nowait(await self._send(delivery))

    async def _send(self, delivery: Claimed) -> Outcome:
        async with self._slots:
            body = delivery.body.encode()
            headers = {
                "Content-Type": "application/cloudevents+json",
                # Wall-clock time, not the service clock: the receiver checks freshness against its own clock.
                SIGNATURE_HEADER: sign(delivery.secret, body),
                IDEMPOTENCY_HEADER: str(delivery.event_id),
            }
            status_code, error = None, None
            try:
                response = await self._client.post(delivery.callback_url, content=body, headers=headers)
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"HTTP {status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
            return Outcome(delivery.id, status_code, error)

    async def _record_outcomes(self) -> None:
        """The recorder: waits for an outcome, then writes it with every other one queued meanwhile."""
        while True:
            batch = [await self._outcomes.get(), *self._queued(RECORD_BATCH - 1)]
            try:
                await self._record(batch)
            except Exception:  # noqa: BLE001 - unrecorded sends are sent again after the lease; receivers dedupe
                log.exception("recording %d delivery outcomes failed", len(batch))
                await asyncio.sleep(1.0)

    async def _record_queued(self) -> None:
        await self._record(self._queued())

    def _queued(self, at_most: int | None = None) -> list[Outcome]:
        """Outcomes waiting in the queue now, without waiting for more."""
        taken: list[Outcome] = []
        while not self._outcomes.empty() and (at_most is None or len(taken) < at_most):
            taken.append(self._outcomes.get_nowait())
        return taken

    async def _record(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        now = self._runtime.clock.now()
        async with self._runtime.sessions() as session, session.begin():
            ids = [outcome.delivery_id for outcome in outcomes]
            deliveries = {d.id: d for d in (await session.exec(select(Delivery).where(col(Delivery.id).in_(ids)))).all()}
            for outcome in outcomes:
                self._apply(session, deliveries[outcome.delivery_id], outcome, now)
        self._runtime.relay.wake()

    def _apply(self, session, delivery: Delivery, outcome: Outcome, now) -> None:
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.error is None:
            delivery.status, delivery.delivered_at = "delivered", now
            if delivery.event_type in ANNOUNCED:
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
        else:
            next_attempt = self._backoff.next_attempt(delivery.attempts, now)
            if next_attempt is None:
                delivery.status = "dead"
                log.warning("delivery %s of event %s dead after %d attempts", delivery.id, delivery.event_id, delivery.attempts)
            else:
                delivery.next_attempt_at = next_attempt
        session.add(delivery)
