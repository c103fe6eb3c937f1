"""What every service process is made of: a database, a bus, the outbox relay,
consumers and timers, started in the app's lifespan and stopped in order.

`Runtime` is the composition root's product: tests build one with fakes
(in-memory bus, FakeClock, SQLite file) and pass it to `create_app`.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Awaitable, Callable, Mapping, Sequence
from uuid import UUID

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.bus.consumer import EventConsumer, RetryPolicy
from shared.bus.event_spans import within
from shared.bus.kafka import KafkaBus
from shared.bus.port import Bus
from shared.bus.topic_plan import TopicSpec, load_definitions, plan
from shared.clock import AdjustableClock, Clock, SystemClock
from shared.collector import full_passes, settle
from shared.contracts.envelope import Event, new_event
from shared.contracts.events import EventData
from shared.contracts import schemas
from shared.metrics import MeteredBus, ServiceMetrics
from shared.metrics.registry import RuntimeFigures
from shared.organisations import Organisations
from shared.migrations.runner import require_current
from shared.outages import Outages
from shared.persistence.after_commit import after_commit
from shared.persistence.database import create_engine, session_factory
from shared.persistence.group_commit import GroupCommit
from shared.persistence.inbox import Effect, Finish, Prepared, batch_start, handle_all_once, handle_once
from shared.persistence.outbox import add_to_outbox
from shared.persistence.relay import OutboxRelay
from shared.privacy import AddressSeal, household_pseudonym
from shared.settings import ServiceSettings
from shared.timers import timer_worker
from shared.tracing import SCOPE, trace_fields, tracer_provider, unexported

log = logging.getLogger(__name__)

Worker = Callable[[asyncio.Event], Awaitable[None]]
DEFAULT_PARTITIONS = 6  # deploy/kafka/topics.yaml's default
# Lookups of one batch in flight at once: enough to hide a register's latency, few enough
# that an HTTP client's connection pool does not spend its time queueing hundreds.
PREPARE_CONCURRENCY = 16
DATABASE_PROBE_SECONDS = 3.0  # readiness and the consumer's "is it us or the database?" question
# A service never creates or changes its tables: `python -m services.<name> migrate` does at
# deploy, and the service only checks at start that its database is current. Unit tests on
# SQLite swap in create-from-metadata here (tests/unit/conftest.py), which
# tests/*/test_migrations_match_models.py proves gives the same schema.
prepare_schema = require_current


@dataclass
class Runtime:
    settings: ServiceSettings
    bus: Bus
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    relay: OutboxRelay
    clock: Clock
    organisations: Organisations
    address_seal: AddressSeal
    writes: GroupCommit
    outages: Outages = field(default_factory=Outages)
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)  # this process's own registry (shared.metrics)
    consumers: list[EventConsumer] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    tracer_provider: TracerProvider = field(default_factory=unexported)  # shared.tracing, docs/adr/0031
    # A service process (shared.entrypoint) freezes what start-up made (modules, classes, the app,
    # clients), so the garbage collector's full passes no longer walk it, and makes young passes
    # rarer (shared.collector). Not in tests: many apps start in one test process, and what a
    # frozen one leaves in cycles is never collected.
    freeze_after_start: bool = False
    figures: RuntimeFigures = field(init=False)  # read at each scrape of /metrics

    def __post_init__(self) -> None:
        self.figures = self.metrics.watch(self)

    @cached_property
    def tracer(self) -> Tracer:
        return self.tracer_provider.get_tracer(SCOPE)

    def emit(
        self,
        session: AsyncSession,
        data: EventData,
        *,
        subject: str,
        event_id: UUID | None = None,
        source: str | None = None,
    ) -> Event:
        """Stage an event in the caller's transaction; the relay publishes it after commit.

        `source` defaults to this service; the intake passes the signalling
        organisation's URN, since the partner is who observed the fact."""
        event = new_event(
            data,
            source=source or self.settings.source_urn,
            subject=subject,
            time=self.clock.now(),
            event_id=event_id,
            dataschema=schemas.dataschema(self.settings.event_schema_base_url, data.event_type),
            trace_context=trace_fields(),  # the span in hand: a request's, or the consumed event's
        )
        add_to_outbox(session, self.settings.topic(data.topic), event)
        after_commit(session, self.relay.wake)  # it leaves at once, not at the relay's next poll
        return event

    def consumer(
        self,
        name: str,
        handlers: Mapping[str, Effect | Prepared],
        retry: RetryPolicy = RetryPolicy(),
        finish: Finish | None = None,
    ) -> EventConsumer:
        """A consumer that runs each handled event's effect once, in one transaction with its inbox row.

        A fetched batch runs in one transaction (its lookups first, side by side), `finish`
        last; when that fails, EventConsumer handles its events one by one."""

        async def effect_for(event: Event) -> Effect:
            handler = handlers[event.type]
            return await handler.effect_for(event) if isinstance(handler, Prepared) else handler

        async def handle(event: Event) -> None:
            if event.type not in handlers:
                return
            await handle_once(self.sessions, name, event, await effect_for(event), finish)  # emits wake the relay

        slots = asyncio.Semaphore(PREPARE_CONCURRENCY)

        async def effect_for_in_slot(event: Event) -> Effect:
            async with slots:
                with within(event):  # the event's own span (shared.bus.event_spans)
                    return await effect_for(event)

        async def handle_batch(events: Sequence[Event]) -> None:
            handled = [event for event in events if event.type in handlers]
            # Only lookups need a task each (side by side); a plain effect is the handler itself.
            looking = [event for event in handled if isinstance(handlers[event.type], Prepared)]
            looked = dict(zip((event.id for event in looking), await asyncio.gather(*map(effect_for_in_slot, looking))))
            effects = [looked[event.id] if event.id in looked else handlers[event.type] for event in handled]
            work = [(event, _within_its_span(effect)) for event, effect in zip(handled, effects)]
            await handle_all_once(self.sessions, name, work, finish, start=batch_start(list(looked.values())))

        consumer = EventConsumer(
            self.bus, self.group_id(name), handle, retry,
            handle_batch=handle_batch, outages=self.outages, database_answers=self.database_ok, tracer=self.tracer,
        )  # fmt: skip
        self.consumers.append(consumer)
        return consumer

    def pseudonym(self, dwelling_id: str) -> str:
        return household_pseudonym(self.settings.pseudonym_key.get_secret_value().encode(), dwelling_id)

    def group_id(self, name: str) -> str:
        return f"{self.settings.topic_prefix}{name}"

    def consume_worker(self, consumer: EventConsumer, topic_names: Sequence[str], name: str, linger_ms: int = 0) -> Worker:
        topics = [self.settings.topic(topic) for topic in topic_names]

        async def work(stop: asyncio.Event) -> None:
            consumer.stopping = stop  # a partition held for a missing dependency lets go at once
            await self.bus.consume(topics, self.group_id(name), consumer.process_batch, stop, linger_ms)

        return work

    def timer(self, name: str, check: Callable, interval: float) -> Worker:
        """A timer worker on this runtime's clock, each check in a span of its own; a dependency
        away shows in its outages."""
        return timer_worker(self.clock, check, interval, outages=self.outages, name=name, tracer=self.tracer)

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(DATABASE_PROBE_SECONDS), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - readiness reports, it does not raise
            return False


def _within_its_span(effect: Effect) -> Effect:
    """The effect, run with its event's span current when that event is part of a batch."""

    async def traced(session: AsyncSession, event: Event) -> None:
        with within(event):
            await effect(session, event)

    return traced


def build_runtime(
    settings: ServiceSettings,
    *,
    bus: Bus | None = None,
    clock: Clock | None = None,
    organisations: Organisations | None = None,
) -> Runtime:
    """Wire a runtime from settings. Nothing connects here; `serve` starts it."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    metrics = ServiceMetrics()
    bus = MeteredBus(bus or KafkaBus(settings.kafka_bootstrap, client_id=f"signaalketen-{settings.service_name}"), metrics)
    if clock is None:
        clock = AdjustableClock() if settings.environment == "test" else SystemClock()
    outages = Outages()
    return Runtime(
        settings=settings,
        bus=bus,
        engine=engine,
        sessions=sessions,
        relay=OutboxRelay(sessions, bus, outages=outages),
        clock=clock,
        organisations=organisations or Organisations.load(settings.organisations_file),
        address_seal=AddressSeal(settings.address_key_list()),
        writes=GroupCommit(sessions),
        outages=outages,
        metrics=metrics,
        tracer_provider=tracer_provider(settings.service_name, settings.otlp_endpoint),
    )


@asynccontextmanager
async def serve(runtime: Runtime, *, tables: Sequence[MetaData], workers: Sequence[Worker], on_start=None, publishes: bool = True):
    """Lifespan body: check the schema, start the bus and the workers; on exit stop them in order.

    A service that never emits an event (`publishes=False`: the monitor only counts) runs no
    outbox relay, which would otherwise poll an empty outbox twice a second."""
    await prepare_schema(runtime.engine, runtime.settings.service_name, tables)
    if on_start is not None:
        await on_start()
    await runtime.bus.start()
    await runtime.bus.ensure_topics(chain_topics_plan(runtime.settings))
    stop = asyncio.Event()
    relay = [runtime.relay.run] if publishes else []
    tasks = [asyncio.create_task(_supervised(work, stop)) for work in (*workers, *relay)]
    runtime.started.set()
    if runtime.freeze_after_start:
        settle()  # the collector: start-up frozen, young passes rarer (shared.collector)
        tasks.append(asyncio.create_task(full_passes(stop)))  # what died in the older generations goes
    try:
        yield
    finally:
        stop.set()  # stop taking work; consumers finish the record in hand and commit
        done, pending = await asyncio.wait(tasks, timeout=15)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await runtime.bus.stop()
        await runtime.engine.dispose()
        runtime.tracer_provider.force_flush(timeout_millis=5000)  # spans still queued for the collector
        log.info("shut down cleanly: %d worker(s) finished, %d cancelled", len(done), len(pending))


async def _supervised(work: Worker, stop: asyncio.Event) -> None:
    """Run a worker until stop; restart it with backoff when it fails (broker or database away)."""
    delay = 0.5
    while not stop.is_set():
        try:
            await work(stop)
            return
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - logged, then restarted
            log.exception("worker failed; restarting in %.1fs", delay)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(delay * 2, 10.0)


def chain_topics_plan(settings: ServiceSettings) -> list[TopicSpec]:
    """Every chain topic and its dead-letter topic as deploy/kafka/topics.yaml says, with this
    deployment's prefix and replication factor."""
    return plan(load_definitions(), settings.topic_prefix, replication=settings.topic_replication)
