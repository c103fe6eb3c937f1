"""Triage alone, in this process, on real PostgreSQL: the CPU it spends per arrears signal
on its consumer path (the register lookup, the case's transaction with its processed-event
and outbox rows, the relay), with the register stand-in as a process of its own. The month
benchmark's figure for triage without the rest of the chain sharing the machine, quick
enough to measure one change at a time. Prints figures; asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_triage [signals] [--profile FILE]

The signals are those of the month benchmark (tests.benchmarks.bench_chain.body): arrears
at dwellings of their own, put on the in-memory bus up front (built before the clock
starts) and consumed in batches per partition as Kafka's adapter hands them over.
Kafka's own cost (fetch, produce) is not in it: the in-memory bus stands in. `--profile`
writes a cProfile of the measured part (slower; for where the time goes, not for figures).
"""

from __future__ import annotations

import asyncio
import cProfile
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import uvloop

from sqlalchemy import func
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.bus.port import OutgoingRecord
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.signals import ArrearsReported
from shared.migrations import runner
from shared.persistence.inbox import ProcessedEvent
from shared.privacy import Dwelling
from shared.runtime import build_runtime
from services.triage.app import create_app
from services.triage.settings import TriageSettings
from tests.benchmarks.chain import REGISTER_RATE
from tests.benchmarks.bench_chain import cpu_seconds
from tests.conftest import POSTGRES, create_database, drop_database
from tests.support.apps import running
from tests.support.processes import ServiceProcess, free_port
from tests.support.register_server import PERSONEN_BASE

INCASSO = "urn:nld:kvk:90000001:systeem:incasso"


def signals(runtime, count: int) -> list[OutgoingRecord]:
    """`count` arrears signals as the intake publishes them, each at a dwelling of its own."""
    records = []
    for n in range(count):
        dwelling = f"036301{7_000_000_000 + n:010d}"
        data = ArrearsReported(
            signal_id=uuid.uuid4(), reported_by="ymere", sealed_address=runtime.address_seal.seal(Dwelling(dwelling)),
            municipality_code="0363", observed_on=date(2026, 11, 27), months=2, amount_eur="900.00",
        )  # fmt: skip
        event = new_event(data, source=INCASSO, subject=runtime.pseudonym(dwelling), time=runtime.clock.now())
        records.append(OutgoingRecord(runtime.settings.topic("signals"), event.subject, encode(event)))
    return records


async def handled(runtime) -> int:
    async with runtime.sessions() as session:
        query = select(func.count()).select_from(ProcessedEvent).where(ProcessedEvent.consumer == "triage")
        return (await session.exec(query)).one()


async def run(count: int, database_url: str, register_root: str, profile: cProfile.Profile | None) -> dict:
    settings = TriageSettings(
        environment="test", database_url=database_url, register_url=register_root + PERSONEN_BASE,
        register_requests_per_second=float(REGISTER_RATE), register_burst=100, timer_interval_seconds=3600,
    )  # fmt: skip
    bus = InMemoryBus(partitions=6)
    runtime = build_runtime(settings, bus=bus)
    await runner.upgrade(runtime.engine, "triage")
    app = create_app(runtime)
    async with running(app):
        records = signals(runtime, count)
        started, cpu_before = time.monotonic(), time.process_time()
        if profile is not None:
            profile.enable()
        await bus.publish(records)
        while await handled(runtime) < count or await runtime.relay.backlog() > 0:
            await asyncio.sleep(0.2)
        if profile is not None:
            profile.disable()
        cpu, wall = time.process_time() - cpu_before, time.monotonic() - started
        published = len(bus.records(settings.topic("alerts")))
        split = sum(consumer.batches_split for consumer in runtime.consumers)
        troubles = dict(runtime.outages.transient_failures) | dict(runtime.outages.unclassified)
    return {"cpu": cpu, "wall": wall, "alerts": published, "split": split, "troubles": troubles}


def main(count: int, profile_file: str | None) -> None:
    name, url = create_database(POSTGRES, "benchtriage")
    profile = cProfile.Profile() if profile_file else None
    port = free_port()
    env = {"SIGNAL_ENVIRONMENT": "test", "SIGNAL_LOG_LEVEL": "WARNING", "REGISTER_PORT": str(port)}
    register = ServiceProcess("services.register", port, env, Path(tempfile.mkdtemp(prefix="bench-triage-")), "/health")
    try:
        register.start().wait_ready()
        register_pid = register._process.pid  # noqa: SLF001
        register_before = cpu_seconds(register_pid)
        figures = uvloop.run(run(count, url, register.url, profile))  # the services' loop under uvicorn
        register_cpu = cpu_seconds(register_pid) - register_before
    finally:
        register.stop()
        drop_database(POSTGRES, name)
    if profile is not None:
        profile.dump_stats(profile_file)
    print(
        f"triage alone, {count} arrears signals (PostgreSQL, in-memory bus, register stand-in as a process):"
        f" CPU {1000 * figures['cpu'] / count:.2f} ms/signal in triage, {1000 * register_cpu / count:.2f} in the register;"
        f" {count / figures['wall']:.0f} signals/s; {figures['alerts']} alerts published;"
        f" {figures['split']} batches split, transient failures {figures['troubles'] or 'none'}"
    )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    profile_to = None
    if "--profile" in arguments:
        at = arguments.index("--profile")
        profile_to = arguments[at + 1]
        del arguments[at : at + 2]
    main(int(arguments[0]) if arguments else 2000, profile_to)
