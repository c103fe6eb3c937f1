"""Sends due deliveries to webhooks: signed, concurrent, retried, then dead-lettered.

A delivery is claimed with a lease (its next attempt moved a minute ahead)
before it is sent, so two replicas never send it at once and a crash mid-send
only delays it. A slow receiver holds one slot, never the others.
"""

from __future__ import annotations

import asyncio
import logging
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
ANNOUNCED = frozenset({event_types.ALERT_RAISED, event_types.ALERT_ESCALATED})  # deliveries that emit alert.delivered


class Deliverer:
    def __init__(self, runtime: Runtime, client: httpx.AsyncClient, backoff: Backoff, concurrency: int = 20):
        self._runtime = runtime
        self._client = client
        self._backoff = backoff
        self._slots = asyncio.Semaphore(concurrency)
        self._wakeup = asyncio.Event()
        self._in_flight: set[asyncio.Task] = set()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                claimed = await self.claim_due()
                for delivery_id in claimed:
                    task = asyncio.create_task(self._send(delivery_id))
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

    async def deliver_due_now(self) -> int:
        """Send everything due and wait for the outcomes (tests and the CLI use this)."""
        claimed = await self.claim_due()
        await asyncio.gather(*(self._send(delivery_id) for delivery_id in claimed))
        return len(claimed)

    async def claim_due(self) -> list[UUID]:
        now = self._runtime.clock.now()
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(Delivery)
                .where(Delivery.status == "pending", col(Delivery.next_attempt_at) <= now)
                .order_by(col(Delivery.next_attempt_at))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            due = (await session.exec(query)).all()
            for delivery in due:
                delivery.next_attempt_at = now + LEASE
                session.add(delivery)
        return [delivery.id for delivery in due]

    async def _send(self, delivery_id: UUID) -> None:
        async with self._slots:
            async with self._runtime.sessions() as session:
                delivery = await session.get(Delivery, delivery_id)
                subscription = await session.get(Subscription, delivery.subscription_id)
            body = delivery.body.encode()
            headers = {
                "Content-Type": "application/cloudevents+json",
                # Wall-clock time, not the service clock: the receiver checks freshness against its own clock.
                SIGNATURE_HEADER: sign(subscription.secret, body),
                IDEMPOTENCY_HEADER: str(delivery.event_id),
            }
            status_code, error = None, None
            try:
                response = await self._client.post(subscription.callback_url, content=body, headers=headers)
                status_code = response.status_code
                if not 200 <= status_code < 300:
                    error = f"HTTP {status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
            await self._record(delivery_id, status_code, error)

    async def _record(self, delivery_id: UUID, status_code: int | None, error: str | None) -> None:
        now = self._runtime.clock.now()
        async with self._runtime.sessions() as session, session.begin():
            delivery = await session.get(Delivery, delivery_id)
            delivery.attempts += 1
            delivery.last_status_code = status_code
            delivery.last_error = error
            if error is None:
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
        self._runtime.relay.wake()
