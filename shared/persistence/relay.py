"""The outbox relay: publishes staged events in the order they were committed.

One relay publishes per database at a time (on PostgreSQL a transaction-level
advisory lock elects it; SQLite runs one process per file), so records of one
key reach Kafka in commit order. Rows are marked sent only after Kafka
acknowledged them; a failed row, and every later row of the same key, waits for
the next round. A crash between publish and mark re-publishes: consumers dedupe
by CloudEvent id.

Events of one key leave in the order their transactions committed: the outbox
serialises the transactions that stage events for one key (the key's sequence counter
stays locked until commit, see outbox.py), so a later commit always holds a higher id.
Why this and not a snapshot horizon: docs/adr/0025-transient-is-not-poison.md; why no
advisory lock of its own: docs/adr/0057.

Rounds start at most every `round_spacing` (ROUND_SPACING): a relay woken again soon after
a round waits out the rest of it, so a trickle of commits leaves in rounds of a few
events, not one round (a transaction and a produce request) each. A quiet relay publishes
at once, and a backlog goes round after round without waiting (docs/adr/0061).

The database or the broker away is transient: the relay reports a hold in the
runtime's outages and tries again with capped backoff, for as long as it takes.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.bus.port import Bus, OutgoingRecord
from shared.faults import Dependency, FailureKind, Verdict, classify
from shared.outages import Outages, RetryPolicy, pause
from shared.persistence.any_of import any_of
from shared.persistence.outbox import OutboxMessage

log = logging.getLogger(__name__)

RELAY_LOCK_ID = 7_318_001  # arbitrary, constant per database: "the outbox relay"
CONTENT_TYPE_HEADER = ("content-type", b"application/cloudevents+json")
HOLDER = "outbox relay"
ROUND_SPACING = 0.025  # s: the least time from one round's start to the next, unless a backlog waits


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: Bus,
        *,
        batch_size: int = 500,
        idle_interval: float = 0.5,
        round_spacing: float = ROUND_SPACING,
        keep_sent_for: timedelta = timedelta(days=7),
        outages: Outages | None = None,
        retry: RetryPolicy = RetryPolicy(),
    ):
        self._sessions = sessions
        self._bus = bus
        self._batch_size = batch_size
        self._idle_interval = idle_interval
        self._round_spacing = round_spacing
        self._keep_sent_for = keep_sent_for
        self._wakeup = asyncio.Event()
        self._outages = outages if outages is not None else Outages()
        self._retry = retry
        self._publish_failure: BaseException | None = None  # of the last round, if any
        self.published = 0

    def wake(self) -> None:
        """Called after a commit that staged events, so they leave without waiting for the poll."""
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        rounds = 0
        failures = 0
        clock = asyncio.get_running_loop().time
        while not stop.is_set():
            started = clock()
            self._wakeup.clear()  # before the round: a commit during it wakes the next one
            try:
                sent = await self.relay_once()
                rounds += 1
                if rounds % 1000 == 0:
                    await self.purge_sent()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the relay must outlive a database or broker outage
                failures += 1
                self._failed(classify(exc), failures)
                if await pause(stop, self._retry.delay(failures)):
                    break
                continue
            if self._publish_failure is not None:
                failures += 1
                self._failed(Verdict(FailureKind.TRANSIENT, Dependency.BROKER, repr(self._publish_failure)[:300]), failures)
                if await pause(stop, self._retry.delay(failures)):
                    break
                continue
            failures = 0
            self._outages.recovered(HOLDER)
            if sent < self._batch_size:
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._idle_interval)
                except TimeoutError:
                    pass
                if not stop.is_set():  # woken soon after the round: let other commits join the next
                    await asyncio.sleep(max(0.0, started + self._round_spacing - clock()))
        try:
            await self.relay_once()  # flush what the last requests staged before shutting down
        except Exception as exc:  # noqa: BLE001 - what is left is published after the restart
            log.warning("outbox relay: final flush failed (%s); the next start publishes it", type(exc).__name__)

    def _failed(self, verdict: Verdict, failures: int) -> None:
        if verdict.transient:
            self._outages.failed(HOLDER, verdict)
            if failures == 1 or failures % 20 == 0:
                log.warning("outbox relay held: %s away (%s)", verdict.dependency, verdict.reason)
        else:
            self._outages.unclassified[HOLDER] += 1
            log.error("outbox relay round failed: %s; retrying", verdict.reason, exc_info=failures == 1)

    async def relay_once(self) -> int:
        async with self._sessions() as session, session.begin():
            dialect = session.bind.dialect.name
            rows = list((await session.exec(_unsent(dialect, self._batch_size))).all())
            self._publish_failure = None
            if not rows:
                return 0
            results = await self._bus.publish(
                [OutgoingRecord(row.topic, row.key, row.value.encode(), (CONTENT_TYPE_HEADER,)) for row in rows]
            )
            held_keys: set[str] = set()
            sent_ids: list[int] = []
            for row, error in zip(rows, results):
                if error is None and row.key not in held_keys:
                    sent_ids.append(row.id)
                    continue
                held_keys.add(row.key)
                if error is not None and self._publish_failure is None:
                    self._publish_failure = error
                reason = repr(error) if error else "held behind an earlier failure of its key"
                await session.exec(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id) == row.id)
                    .values(attempts=OutboxMessage.attempts + 1, last_error=reason[:500])
                    .execution_options(synchronize_session=False)
                )
            if sent_ids:
                await session.exec(_mark_sent(dialect), params={"ids": sent_ids, "sent_at": datetime.now(UTC)})
            if held_keys:
                log.warning("outbox relay: %d of %d records not published yet", len(rows) - len(sent_ids), len(rows))
        self.published += len(sent_ids)
        return len(sent_ids)

    async def backlog(self) -> int:
        async with self._sessions() as session:
            query = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
            return (await session.exec(query)).one()

    async def purge_sent(self) -> None:
        cutoff = datetime.now(UTC) - self._keep_sent_for
        async with self._sessions() as session, session.begin():
            await session.exec(
                delete(OutboxMessage).where(col(OutboxMessage.sent_at).is_not(None), col(OutboxMessage.sent_at) < cutoff)
            )


@cache
def _unsent(dialect: str, batch_size: int):
    """The oldest unsent rows, as plain rows, not ORM objects: a busy round holds hundreds,
    marked with one UPDATE. On PostgreSQL the same statement elects the relay: the lock is
    tried once, before any row is read (an uncorrelated subquery: a one-time filter in
    the plan), and a relay that did not get it reads nothing. Built once (docs/adr/0058)."""
    query = select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.key, OutboxMessage.value)
    query = query.where(col(OutboxMessage.sent_at).is_(None)).order_by(col(OutboxMessage.id)).limit(batch_size)
    if dialect != "postgresql":
        return query  # SQLite: one process per file, nobody to elect
    return query.where(_ELECTED).with_for_update(skip_locked=True)


@cache
def _mark_sent(dialect: str):
    """Rows `:ids` were published at `:sent_at`; built once (docs/adr/0058)."""
    return (
        update(OutboxMessage)
        .where(any_of(col(OutboxMessage.id), "ids", dialect))
        .values(sent_at=bindparam("sent_at"))
        .execution_options(synchronize_session=False)  # plain rows: no objects in the session to update
    )


_ELECTED = select(func.pg_try_advisory_xact_lock(RELAY_LOCK_ID)).scalar_subquery()
