"""Sends due deliveries to webhooks and ZGW abonnementen (services.notifications.targets):
concurrent, retried, then dead-lettered.

Sending once (docs/adr/0012). A delivery is claimed only when a slot is free to send
it at once, and the claim moves its next attempt a lease ahead, longer than the
request timeout: the lease runs from the send, so nobody claims it again while that
send may be in flight. On PostgreSQL the claim (one statement: services.notifications.claims) locks the rows it takes
(`FOR UPDATE SKIP LOCKED`): two instances never claim one delivery. A crash mid-send
only delays the delivery until its lease ends. A slow receiver holds one slot, never
the others.

Idle. With nothing due, the deliverer sleeps until the earliest pending delivery is due,
at most `idle_poll` (how soon it finds deliveries that another instance made and
left). It is woken at once after a commit that gave it work: the fan-out's deliveries, a
retry the outcome recorder scheduled, a replay; and when a test moves the clock.

Outages. While the database is away, claims pause with a capped backoff and sends
in flight finish; their outcomes wait in memory (services.notifications.outcomes) and
are written when it is back, well within the lease; meanwhile this deliverer never
claims what it sent and has not recorded. A claim that failed may have leased rows before
its answer was lost; they are released before the next claim (services.notifications.claims),
so they are not held for the whole lease. A receiver that is away is the retry path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import httpx

from shared.direct_http import DirectClient
from shared.runtime import Runtime
from services.notifications.backoff import Backoff, Streak
from services.notifications.batching import batch_body, sendings
from services.notifications.outcomes import Outcome, OutcomeRecorder
from services.notifications.claims import claim, release
from services.notifications.targets import Target, target_of

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
IDLE_POLL_SECONDS = 2.0  # the longest sleep when nothing wakes the deliverer
BLOCKED_POLL_SECONDS = 0.2  # due deliveries it could not claim (another instance's, or held here): look again soon
SHUTDOWN_SEND_WAIT_SECONDS = 10.0
SHUTDOWN_RECORD_WAIT_SECONDS = 3.0


@dataclass(frozen=True)
class Claimed:
    """What sending needs, read with the claim: no second query per delivery."""

    id: UUID
    event_id: UUID
    body: str
    target: Target  # a webhook or a ZGW abonnement (services.notifications.targets)
    leased_until: datetime

    @property
    def batch_key(self) -> Target | None:
        """Deliveries to one webhook in batch mode go out together (services.notifications.batching)."""
        return self.target if self.target.batch_max_events else None

    @property
    def batch_max_events(self) -> int:
        return self.target.batch_max_events or 1


class Deliverer:
    def __init__(
        self,
        runtime: Runtime,
        client: DirectClient,
        backoff: Backoff,
        concurrency: int = 20,
        lease: timedelta = LEASE,
        idle_poll: float = IDLE_POLL_SECONDS,
    ):
        self._runtime = runtime
        self._client = client
        self._lease = lease
        self._idle_poll = idle_poll
        self._next_due: datetime | None = None  # the earliest pending delivery, read with the last claim
        self._free = concurrency
        self._slot_freed = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._in_flight: set[asyncio.Task] = set()
        self._outcomes = OutcomeRecorder(runtime, backoff, retry_scheduled=self.wake)
        on_move = getattr(runtime.clock, "on_move", None)  # a clock that tests move (shared.clock)
        if on_move is not None:
            on_move(self.wake)
        self._claims = Streak()
        self._unanswered: list[datetime] = []  # `leased_until` of claims that failed: released before the next claim
        self.sent = 0  # requests started (a metric)
        self.claims = 0  # claim transactions committed (a metric)

    def wake(self) -> None:
        self._wakeup.set()

    @property
    def waiting_for_database(self) -> bool:
        """True while claiming or recording fails: what readiness should report (see the ADR)."""
        return self._claims.failing_since is not None or self._outcomes.streak.failing_since is not None

    @property
    def outcome_writes(self) -> int:
        """Transactions that recorded outcomes (a metric)."""
        return self._outcomes.writes

    @property
    def unrecorded_outcomes(self) -> int:
        """Sends whose outcome waits for the database (a metric)."""
        return self._outcomes.unrecorded

    async def run(self, stop: asyncio.Event) -> None:
        recorder = asyncio.create_task(self._outcomes.run())
        waker = asyncio.create_task(self._wake_when(stop))  # a stop ends the idle sleep at once
        try:
            await self._claim_and_send(stop)
        finally:
            waker.cancel()
            if self._in_flight:
                await asyncio.wait(self._in_flight, timeout=SHUTDOWN_SEND_WAIT_SECONDS)
                for task in self._in_flight:
                    task.cancel()
            await self._outcomes.close(recorder, SHUTDOWN_RECORD_WAIT_SECONDS)  # what was sent is recorded first

    async def _wake_when(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.wake()

    async def _claim_and_send(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self._until_a_slot_is_free()
            wanted = self._free
            self._wakeup.clear()  # before the claim: a commit during it wakes the next one
            try:
                claimed = await self.claim_due(wanted)
            except Exception:  # noqa: BLE001 - the database may be away; nothing is lost, try again
                await self._pause_after_failed_claim(stop)
                continue
            self._claim_succeeded()
            self.claims += 1
            for sending in sendings(claimed):  # one request each: a delivery, or a batch of them
                self._start(sending)
            if len(claimed) < wanted:
                await _wait(self._wakeup, self._idle_seconds())

    async def claim_due(self, limit: int) -> list[Claimed]:
        """Lease up to `limit` due deliveries to this deliverer, to be sent now (services.notifications.claims)."""
        now = self._runtime.clock.now()
        while self._unanswered:  # first what earlier claims may have leased and not handed over
            released = await release(self._runtime.engine, self._unanswered[0], now)
            self._unanswered.pop(0)
            if released:
                log.warning("released %d deliveries leased by a claim whose answer was lost", released)
        leased_until = now + self._lease
        try:
            # Not what was sent (or is being sent) here and whose outcome is not yet written.
            due, self._next_due = await claim(self._runtime.engine, now, leased_until, limit, self._outcomes.held)
        except Exception:
            self._unanswered.append(leased_until)  # it may have leased rows before the answer was lost
            raise
        return [Claimed(delivery_id, event_id, body, target_of(*columns), leased_until) for delivery_id, event_id, body, *columns in due]

    def _idle_seconds(self) -> float:
        """How long to sleep when not woken: until the next delivery is due, at most `idle_poll`."""
        if self._next_due is None:
            return self._idle_poll
        seconds = (self._next_due - self._runtime.clock.now()).total_seconds()
        return min(seconds if seconds > 0 else BLOCKED_POLL_SECONDS, self._idle_poll)

    async def _until_a_slot_is_free(self) -> None:
        while self._free == 0:
            self._slot_freed.clear()
            await self._slot_freed.wait()

    def _start(self, sending: list[Claimed]) -> None:
        self._free -= 1
        for delivery in sending:
            self._outcomes.hold(delivery.id)
        task = asyncio.create_task(self._send_and_record(sending))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _send_and_record(self, sending: list[Claimed]) -> None:
        try:
            outcome = await self._send(sending)
        finally:
            self._free += 1
            self._slot_freed.set()
        for delivery in sending:  # a batch's outcome is each of its deliveries'
            self._outcomes.add(Outcome(delivery.id, delivery.leased_until, outcome.status_code, outcome.error))

    async def _send(self, sending: list[Claimed]) -> Outcome:
        delivery = sending[0]
        body, headers = _request(sending)
        status_code, error = None, None
        try:
            self.sent += 1
            response = await self._client.post(delivery.target.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        except Exception as exc:  # noqa: BLE001 - every send ends in an outcome, or it waits for its lease
            log.exception("sending delivery %s failed", delivery.id)
            error = type(exc).__name__
        return Outcome(delivery.id, delivery.leased_until, status_code, error)

    async def _pause_after_failed_claim(self, stop: asyncio.Event) -> None:
        first = self._claims.failing_since is None
        pause = self._claims.failed(time.monotonic())
        if first:
            log.warning("claiming due deliveries failed; retrying with backoff until the database answers", exc_info=True)
        await _wait(stop, pause)

    def _claim_succeeded(self) -> None:
        lasted = self._claims.succeeded(time.monotonic())
        if lasted is not None:
            log.warning("claiming due deliveries works again after %.1fs", lasted)


def _request(sending: list[Claimed]) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one request: a delivery's own, or a batch's JSON array."""
    first = sending[0]
    if first.batch_key is None:
        body = first.body.encode()
        return body, first.target.headers(body, first.event_id)
    body = batch_body([delivery.body for delivery in sending])
    return body, first.target.batch_headers(body)


async def _wait(event: asyncio.Event, timeout: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout=timeout)
    except TimeoutError:
        pass
