"""What the monitor costs beside the rest of the chain, on the Table 1 stream (Amsterdam's
scheduled evictions 2000-2007, each ending in one outcome: about 60,000 signals at scale 1).
Prints figures; asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_monitor [scale]     # scale 1 (default): the whole table

The register stand-in, the four services and the monitor run as processes on real Kafka and
PostgreSQL. The stream is posted through the batch intake (batches of 1,000) by the bailiff;
the run ends when the monitor's Table 1 holds every posted eviction and every consumer and
outbox is empty. Per process: CPU seconds (user + system, from /proc/<pid>/stat) over the
run, and per posted signal; the monitor's events counted (its processed-event rows). Before
posting, each process's CPU at rest (polls, heartbeats, the relay) is taken over 20 s, and the
figures are printed again above that rest: a run slowed by other work on the machine costs
more rest, not more per signal.

    BENCH_PROFILE=monitor,arrears .venv/bin/python -m tests.benchmarks.bench_monitor 10

also samples the named processes with py-spy (`.venv/bin/pip install py-spy`; `--nonblocking`:
it pauses no process; `--gil`: only samples holding the GIL, Python at work) and prints where
each spent its time: the functions most often on top of the stack (self) and most often
anywhere on it (total, of the chain's own functions), in percent of its samples. The raw stacks stay in the printed folder.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

from tests.benchmarks.bench_chain import cpu_seconds
from tests.benchmarks.chain import REGISTER_RATE, start_chain
from tests.support import table1
from tests.support.metrics import scrape

BATCH = 1000
AMSTERDAM = {"X-API-Key": "dev-gemeente-amsterdam"}
OUTCOMES = tuple(table1.OUTCOME_COLUMNS)
PROFILED = [name for name in os.environ.get("BENCH_PROFILE", "").split(",") if name]
PY_SPY = Path(sys.executable).with_name("py-spy")
TOP = 15
REST_SETTLE_SECONDS, REST_SECONDS = 5.0, 20.0


def post_all(url: str, rows: list[dict]) -> float:
    with httpx.Client(base_url=url, timeout=600, headers={"X-API-Key": f"dev-{table1.BAILIFF}"}) as client:
        started = time.monotonic()
        for start in range(0, len(rows), BATCH):
            response = client.post("/v1/signals/batch", json={"signals": rows[start : start + BATCH]})
            response.raise_for_status()
            rejected = response.json()["rejected"]
            if rejected:
                raise RuntimeError(f"{len(rejected)} rows rejected, first: {rejected[0]}")
        return time.monotonic() - started


def counted(monitor: str) -> tuple[int, int]:
    """(scheduled, ended) over every year of the monitor's Table 1."""
    body = httpx.get(monitor + "/v1/tables/evictions", params={"municipality": "0363"}, headers=AMSTERDAM, timeout=30).json()
    rows = body["rows"]
    return sum(r["aanbod_offered"] for r in rows), sum(r[c] for r in rows for c in OUTCOMES)


def quiet(urls: list[str]) -> bool:
    for url in urls:
        metrics = scrape(url, timeout=30)
        if metrics.total("signaalketen_consumer_lag") or metrics.total("signaalketen_outbox_backlog"):
            return False
    return True


async def processed_events(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await connection.fetchval("SELECT count(*) FROM processed_event")
    finally:
        await connection.close()


def bench(scale: int) -> None:
    rows = table1.table(scale)
    stream = table1.signals(rows)
    evictions = sum(row.offered for row in rows)
    chain = start_chain(database="postgres")  # every service, the monitor included
    monitor, monitor_db = chain.processes["monitor"], chain.databases["monitor"][1]
    try:
        pids = chain.pids()
        rest = at_rest(pids)
        profilers = start_profilers({name: pids[name] for name in PROFILED})
        before = {process: cpu_seconds(pid) for process, pid in pids.items()}
        started = time.monotonic()
        posting = post_all(chain.url("arrears"), stream)
        urls = [chain.url(s) for s in ("arrears", "triage", "placement", "notifications", "monitor")]
        deadline = time.monotonic() + 7200
        while time.monotonic() < deadline:
            if counted(monitor.url) == (evictions, evictions) and quiet(urls):
                time.sleep(2)
                if quiet(urls):
                    break
            time.sleep(1)
        wall = time.monotonic() - started
        cpu = {process: cpu_seconds(pid) - before[process] for process, pid in pids.items()}
        stop_profilers(profilers)
        consumed = asyncio.run(processed_events(monitor_db))
        final = counted(monitor.url)
    finally:
        chain.stop()
    signals = len(stream)
    print(f"Table 1 stream at scale 1/{scale}: {evictions:,} evictions, {signals:,} signals posted in batches of {BATCH}"
          f" (PostgreSQL; register rate limit {REGISTER_RATE}/s)")
    print(f"  counted in Table 1: {final[0]:,} scheduled, {final[1]:,} ended; the monitor handled {consumed:,} events")
    print(f"  wall {wall:.1f}s (posting {posting:.1f}s): {signals / wall:.0f} signals/s end to end,"
          f" the monitor {consumed / wall:.0f} events/s")
    print("  CPU seconds: " + ", ".join(f"{p} {s:.1f}" for p, s in cpu.items()))
    print("  CPU ms per posted signal: " + ", ".join(f"{p} {1000 * s / signals:.2f}" for p, s in cpu.items()))
    print(f"  CPU ms per event the monitor handled: {1000 * cpu['monitor'] / max(consumed, 1):.2f}")
    print(f"  at rest ({REST_SECONDS:.0f}s before posting), CPU ms per second: " + ", ".join(f"{p} {1000 * s:.1f}" for p, s in rest.items()))
    above = {process: cpu[process] - rest[process] * wall for process in cpu}
    print("  CPU ms per posted signal above rest: " + ", ".join(f"{p} {1000 * s / signals:.2f}" for p, s in above.items()))
    print(f"  CPU ms per event the monitor handled, above rest: {1000 * above['monitor'] / max(consumed, 1):.2f}")
    for name, (_, stacks) in profilers.items():
        print_profile(name, stacks)


def at_rest(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds per second of each process with nothing posted (polling, heartbeats, the relay):
    what the run costs by its length rather than by its signals."""
    time.sleep(REST_SETTLE_SECONDS)  # consumer groups joined, first polls done
    before = {process: cpu_seconds(pid) for process, pid in pids.items()}
    time.sleep(REST_SECONDS)
    return {process: (cpu_seconds(pid) - before[process]) / REST_SECONDS for process, pid in pids.items()}


def start_profilers(pids: dict[str, int]) -> dict[str, tuple[subprocess.Popen, Path]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-monitor-profile-"))
    profilers = {}
    for name, pid in pids.items():
        stacks = folder / f"{name}.txt"
        command = [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw", "--gil", "--nonblocking", "--rate", "100", "-o", str(stacks)]
        profilers[name] = (subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), stacks)
    return profilers


def stop_profilers(profilers: dict[str, tuple[subprocess.Popen, Path]]) -> None:
    for profiler, _ in profilers.values():
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
    for profiler, _ in profilers.values():
        profiler.wait(timeout=60)


def print_profile(name: str, stacks: Path) -> None:
    """py-spy's raw format: one line per distinct stack, `frame;frame;... count`, outermost first."""
    own, anywhere, total = Counter(), Counter(), 0
    for line in stacks.read_text().splitlines():
        path, _, count = line.rpartition(" ")
        frames = [_function(frame) for frame in path.split(";")[1:]]  # the first is the thread
        if not frames:
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            anywhere[frame] += int(count)
    print(f"  py-spy, {name}: {total:,} samples at 100/s ({stacks})")
    ours = Counter({frame: n for frame, n in anywhere.items() if _ours(frame)})
    for title, counts in (("self", own), ("total, the chain's own functions", ours)):
        print(f"    {title}:")
        for frame, n in counts.most_common(TOP):
            print(f"      {100 * n / max(total, 1):5.1f}% {frame}")


def _ours(frame: str) -> bool:
    """A function of the chain's code, not the entry point every sample passes through."""
    return ("(services/" in frame or "(shared/" in frame) and "__main__.py" not in frame and "entrypoint.py" not in frame


def _function(frame: str) -> str:
    """`handle (shared/runtime.py:123)` -> `handle (shared/runtime.py)`: time per function, not per line."""
    function, _, where = frame.partition(" (")
    return f"{function} ({where.rsplit(':', 1)[0]})" if where else function


if __name__ == "__main__":
    bench(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
