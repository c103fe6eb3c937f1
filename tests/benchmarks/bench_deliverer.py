"""Benchmark: how fast one deliverer drains a backlog to a fast real receiver, the CPU it
takes, and how many deliveries one claim transaction serves. Prints figures; asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_deliverer [deliveries] [sqlite|postgres ...]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time

from tests.conftest import POSTGRES, create_database, drop_database
from tests.support.deliveries import delivering, runtime_on, seed, undelivered
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/bench"


async def drain(database_url: str, count: int) -> None:
    receiver = WebhookReceiver().start()
    runtime, checker = runtime_on(database_url), runtime_on(database_url)
    try:
        await seed(checker, receiver, PATH, count)
        started, cpu = time.perf_counter(), time.process_time()
        async with delivering(runtime) as [deliverer]:
            while await undelivered(checker):
                await asyncio.sleep(0.05)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
        repeats = sum(times - 1 for times in receiver.sends_per_event(PATH).values())
        kind = database_url.split(":", 1)[0]
        print(
            f"deliverer {kind}: {count} deliveries in {took:.2f}s = {count / took:.0f}/s at concurrency "
            f"{runtime.settings.delivery_concurrency}; CPU {1000 * cpu / count:.1f} ms per delivery (this process, "
            f"receiver included); {deliverer.claims} claims ({count / deliverer.claims:.1f} per claim); "
            f"sent twice: {repeats}"
        )
    finally:
        receiver.stop()
        await checker.engine.dispose()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    kinds = sys.argv[2:] or ["sqlite", "postgres"]
    for kind in kinds:
        if kind == "sqlite":
            with tempfile.TemporaryDirectory() as directory:
                asyncio.run(drain(f"sqlite+aiosqlite:///{directory}/n.db", count))
        else:
            name, url = create_database(POSTGRES, "bench_deliverer")
            try:
                asyncio.run(drain(url, count))
            finally:
                drop_database(POSTGRES, name)


if __name__ == "__main__":
    main()
