"""Benchmarks of the chain on the real local stack, each beside a baseline measured in
the same run on the same machine. Prints figures; asserts nothing.

    make bench                                   # all of it
    .venv/bin/python -m tests.benchmarks.bench_chain intake|latency|month [sizes...]
    .venv/bin/python -m tests.benchmarks.bench_chain trickle [rate] [seconds]

- intake: signals/s accepted by the intake (202, stored, staged in the outbox) vs a bare
  FastAPI endpoint validating the same body, both under uvicorn with the same settings;
  single posts, and batches of 500 rows (the corporations' monthly run).
- latency: POST -> webhook p50/p95/p99 at 10, 100 and 300 signals/s offered (300/s for a
  minute), vs raw aiokafka produce -> consume of same-size records at the same rates; per
  rate also the cores each process used, the whole machine's (PostgreSQL, the JVMs, this
  load generator), and p50/p99 per hop: intake, triage, notifications (tests/benchmarks/hops.py).
- trickle (not in `all`): the intake alone on PostgreSQL, posted one signal at a time at
  `rate`/s (default 100) for `seconds` (default 20): the CPU it takes per signal, where
  the fixed cost of each transaction and each relay round shows (docs/adr/0061).
- month: N arrears signals through the whole chain, every consumer including the monitor
  (10,000, 50,000, 100,000 by default), posted as a corporation's monthly run (batches of
  1,000), once to a subscriber taking one CloudEvent per POST and once to one that asks
  for batches of up to 100: time to the last webhook and until every consumer group has committed
  everything, the sustained end-to-end rate beside raw aiokafka produce -> consume of as
  many same-size records, CPU ms per signal per process and in all, the whole machine's
  (PostgreSQL, the JVMs, this load generator and webhook receiver), peak resident memory
  per process.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import httpx

from shared.runtime import DEFAULT_PARTITIONS
from tests.benchmarks.hops import Hops, read_topic_times
from tests.benchmarks.chain import REGISTER_RATE, rss_mib, start_chain
from tests.benchmarks.lag import wait_until_caught_up
from tests.conftest import KAFKA
from tests.support.kafka_tools import raw_pipe
from tests.support.processes import REPO, free_port
from tests.support.webhook_receiver import WebhookReceiver

BODY_TEMPLATE = {
    "type": "arrears.reported",
    "observed_on": "2026-11-27",
    "months": 2,
    "amount_eur": "900.00",
}


def body(n: int) -> dict:
    """The n-th signal: a dwelling of its own in Amsterdam (nobody registered there)."""
    return {**BODY_TEMPLATE, "address": {"adresseerbaarObjectIdentificatie": f"036301{7_000_000_000 + n:010d}"}}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def hammer(url: str, headers: dict, count: int, concurrency: int = 32, offset: int = 0) -> float:
    """Post `count` signals with `concurrency` in flight; returns accepted per second. Over
    aiohttp, as the latency benchmark posts: httpx's pool would cost this process more CPU
    than the server it measures, on the same two cores (docs/adr/0047)."""
    queue = iter(range(offset, offset + count))
    accepted = 0

    async def worker(client: aiohttp.ClientSession):
        nonlocal accepted
        for n in queue:
            async with client.post("/v1/signals", json=body(n), headers=headers) as response:
                await response.read()
                accepted += response.status == 202

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    assert accepted == count, f"only {accepted} of {count} accepted"
    return count / elapsed


def post_batches(url: str, headers: dict, count: int, size: int, offset: int = 0) -> float:
    """Post `count` signals in batches of `size`, one batch at a time; returns accepted per second."""
    accepted = 0
    with httpx.Client(base_url=url, timeout=300) as client:
        started = time.perf_counter()
        for start in range(offset, offset + count, size):
            rows = [body(n) for n in range(start, min(offset + count, start + size))]
            response = client.post("/v1/signals/batch", json={"signals": rows}, headers=headers)
            response.raise_for_status()
            accepted += len(response.json()["accepted"])
        elapsed = time.perf_counter() - started
    assert accepted == count, f"only {accepted} of {count} accepted"
    return count / elapsed


def bench_intake(count: int = 3000) -> None:
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.bare_app", str(port)], cwd=REPO)
    chain = start_chain(database="sqlite", services=("arrears",))  # the intake alone: nothing downstream shares the CPU
    try:
        time.sleep(1.5)
        asyncio.run(hammer(f"http://127.0.0.1:{port}", {}, 200))  # warm-up
        bare_rate = asyncio.run(hammer(f"http://127.0.0.1:{port}", {}, count))
        asyncio.run(hammer(chain.url("arrears"), {"X-API-Key": "dev-ymere"}, 200, offset=900_000))
        intake_rate = asyncio.run(hammer(chain.url("arrears"), {"X-API-Key": "dev-ymere"}, count))
        batch_count = count * 5
        bare_batch = post_batches(f"http://127.0.0.1:{port}", {}, batch_count, 500)
        intake_batch = post_batches(chain.url("arrears"), {"X-API-Key": "dev-ymere"}, batch_count, 500, offset=1_000_000)
    finally:
        bare.terminate()
        chain.stop()
    print(f"intake alone (it stores, stages and publishes to Kafka), {count} single posts, 32 in flight, and {batch_count} signals in batches of 500 (SQLite, the local default):")
    print(f"  single  bare FastAPI {bare_rate:7.0f}/s   intake {intake_rate:7.0f}/s   ratio {intake_rate / bare_rate:.0%}")
    print(f"  batch   bare FastAPI {bare_batch:7.0f}/s   intake {intake_batch:7.0f}/s   ratio {intake_batch / bare_batch:.0%}")


def bench_trickle(rate: float = 100, seconds: float = 20) -> None:
    chain = start_chain(database="postgres", services=("arrears",))  # nothing downstream shares the CPU
    try:
        intake = chain.url("arrears")
        asyncio.run(post_at_rate(intake, 10, 2, offset=700_000))  # warm-up
        pid = chain.pids()["arrears"]
        before = cpu_seconds(pid)
        failed = asyncio.run(post_at_rate(intake, rate, seconds))
        time.sleep(1)  # the relay's last round
        used = cpu_seconds(pid) - before
    finally:
        chain.stop()
    print(
        f"intake alone (PostgreSQL), one signal per POST at {rate:g}/s for {seconds:g} s:"
        f" {1000 * used / (rate * seconds):.2f} CPU ms per signal ({failed} posts failed)"
    )


async def post_at_rate(url: str, rate: float, seconds: float, offset: int = 0) -> int:
    """Post single signals at `rate`/s (open loop); how many were not accepted."""
    failed = 0
    async with aiohttp.ClientSession(base_url=url) as client:
        start = time.monotonic()

        async def one(n: int) -> None:
            nonlocal failed
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            async with client.post("/v1/signals", json=body(offset + n), headers={"X-API-Key": "dev-ymere"}) as response:
                failed += response.status != 202

        await asyncio.gather(*(one(n) for n in range(int(rate * seconds))))
    return failed


async def offered_load(
    url: str, receiver: WebhookReceiver, path: str, rate: float, seconds: float, offset: int, hops: Hops | None = None
) -> list[float]:
    """Post at `rate`/s for `seconds` (open loop); latencies POST -> webhook in ms. With
    `hops`, also when (wall clock) each signal was posted and its webhook arrived.

    The posts go out over aiohttp: httpx's connection pool costs this process more CPU per
    request than the intake does, so at 100/s the load generator (not the chain) was what
    queued (docs/adr/0047)."""
    sent: dict[str, float] = {}
    failed: list[str] = []
    count = int(rate * seconds)
    wall_minus_monotonic = time.time() - time.monotonic()
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        start = time.monotonic()

        async def one(n: int):
            await asyncio.sleep(max(0.0, start + (n - offset) / rate - time.monotonic()))
            posted_at = time.monotonic()
            try:
                async with client.post("/v1/signals", json=body(n), headers={"X-API-Key": "dev-ymere"}) as response:
                    signal_id = (await response.json())["id"]
                    sent[signal_id] = posted_at
                    if hops is not None:
                        hops.posted[signal_id] = posted_at + wall_minus_monotonic
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError) as exc:
                failed.append(type(exc).__name__)

        await asyncio.gather(*(one(n) for n in range(offset, offset + count)))
    if failed:
        print(f"    ({len(failed)} of {count} posts failed at the intake: {sorted(set(failed))})")
    deadline = time.monotonic() + 120
    arrived: dict[str, float] = {}
    seen = 0  # webhooks looked at: each is read once (this process shares the machine with the chain)
    while len(arrived) < len(sent) and time.monotonic() < deadline:
        for received in receiver.received[seen:]:
            seen += 1
            if received.path == path and received.first_time:
                signal_id = received.event["data"]["signal_id"]
                if signal_id in sent:
                    arrived.setdefault(signal_id, received.at)
        await asyncio.sleep(0.05)
    if hops is not None:
        hops.delivered.update({s: at + wall_minus_monotonic for s, at in arrived.items()})
    return [(arrived[s] - sent[s]) * 1000 for s in arrived]


async def raw_kafka(rate: float, seconds: float, size: int) -> list[float]:
    count = int(rate * seconds)
    latencies: list[float] = []
    payload = b"x" * size
    async with raw_pipe(KAFKA, "bench-raw", 3) as (topic, producer, consumer):

        async def consume():
            while len(latencies) < count:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    now = time.monotonic()
                    latencies.extend((now - float(r.key.decode())) * 1000 for r in records)

        consuming = asyncio.create_task(consume())
        await asyncio.sleep(2)  # group join
        start = time.monotonic()
        for n in range(count):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            await producer.send(topic, payload, key=str(time.monotonic()).encode())
        await asyncio.wait_for(consuming, 120)
    return latencies


LATENCY_RATES = (10, 100, 300)  # signals/s offered; 300/s held for a minute (issue 16)


def bench_latency(rates: tuple[float, ...] = LATENCY_RATES, seconds: float | None = None) -> dict[float, tuple[int, int]]:
    """Prints the figures per rate, each held `seconds` (default: 10 s, a minute from 300/s);
    returns, per rate, how many webhooks arrived of how many signals were offered."""
    chain = start_chain(database="postgres")
    arrivals: dict[float, tuple[int, int]] = {}
    receiver = WebhookReceiver().start()
    try:
        subscription = httpx.post(
            chain.url("notifications") + "/v1/subscriptions",
            json={"callback_url": receiver.url("/latency"), "event_types": ["alert.raised"]},
            headers={"X-API-Key": "dev-vroeg-eropaf-amsterdam"},
        ).json()
        receiver.secrets["/latency"] = subscription["secret"]
        asyncio.run(offered_load(chain.url("arrears"), receiver, "/latency", 5, 2, 800_000))  # warm-up
        size = len(httpx.Request("POST", "http://x", json=body(0)).content) + 900  # the CloudEvent on the wire
        offset = 0
        held = f"{seconds:g} s per rate" if seconds else "10 s per rate, a minute from 300/s"
        print(f"end-to-end latency, POST -> webhook (PostgreSQL, every consumer running; {held}), vs raw aiokafka produce -> consume of {size}-byte records:")
        for rate in rates:
            duration = seconds or (60.0 if rate >= 300 else 10.0)
            cpu_before, started = {name: cpu_seconds(pid) for name, pid in chain.pids().items()}, time.monotonic()
            machine_before, others_before = machine_busy_seconds(), others_cpu_seconds(set(chain.pids().values()))
            hops = Hops()
            chain_ms = asyncio.run(offered_load(chain.url("arrears"), receiver, "/latency", rate, duration, offset, hops))
            used = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in chain.pids().items()}
            elapsed = time.monotonic() - started
            busy = {name: cpu / elapsed for name, cpu in used.items()}
            machine = (machine_busy_seconds() - machine_before) / elapsed
            others = {k: (v - others_before[k]) / elapsed for k, v in others_cpu_seconds(set(chain.pids().values())).items()}
            offered = int(rate * duration)
            offset += offered
            arrivals[rate] = (len(chain_ms), offered)
            raw_ms = asyncio.run(raw_kafka(rate, duration, size))
            print(
                f"  {rate:5.0f}/s  chain p50 {statistics.median(chain_ms):6.0f} p95 {pct(chain_ms, 95):6.0f} p99 {pct(chain_ms, 99):6.0f} ms"
                f" ({len(chain_ms)}/{offered} arrived)"
                f"   raw kafka p50 {statistics.median(raw_ms):5.1f} p95 {pct(raw_ms, 95):5.1f} p99 {pct(raw_ms, 99):5.1f} ms"
            )
            print(
                "         cores busy from the first POST to the last webhook: " + ", ".join(f"{name} {share:.2f}" for name, share in busy.items())
                + f"; all {sum(busy.values()):.2f} of {os.cpu_count()}; CPU ms per signal, all processes {1000 * sum(used.values()) / offered:.1f}"
                + f"; the whole machine {machine:.2f}: " + ", ".join(f"{name} {share:.2f}" for name, share in others.items())
            )
            asyncio.run(read_topic_times(KAFKA, chain.env["SIGNAL_TOPIC_PREFIX"], hops))
            print("         per hop: " + "; ".join(f"{hop} p50 {statistics.median(ms):.0f} p99 {pct(ms, 99):.0f}" for hop, ms in hops.legs().items() if ms) + " ms")
    finally:
        receiver.stop()
        chain.stop()
    return arrivals


async def raw_kafka_throughput(count: int, size: int) -> float:
    """Records/s through raw aiokafka: `count` records of `size` bytes produced as fast as the
    producer takes them, timed until a consumer group has read the last one."""
    payload = b"x" * size
    async with raw_pipe(KAFKA, "bench-pipe", DEFAULT_PARTITIONS) as (topic, producer, consumer):
        started = time.monotonic()
        sends = [await producer.send(topic, payload, key=str(n).encode()) for n in range(count)]
        await asyncio.gather(*sends)
        seen = 0
        while seen < count:
            seen += sum(len(records) for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values())
        return count / (time.monotonic() - started)


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (PostgreSQL, Kafka and the load
    generator too), from /proc/stat: all but idle and waiting for I/O."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def others_cpu_seconds(chain_pids: set[int]) -> dict[str, float]:
    """CPU seconds so far of what runs beside the chain: PostgreSQL's processes, the JVMs
    (Kafka, and Keycloak when it runs), and this process (load generator, webhook receiver)."""
    used = {"PostgreSQL": 0.0, "JVMs": 0.0, "load generator": cpu_seconds(os.getpid())}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in chain_pids:
            continue
        try:
            command = (entry / "comm").read_text().strip()
            kind = "PostgreSQL" if command == "postgres" else "JVMs" if command == "java" else None
            if kind:
                used[kind] += cpu_seconds(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return used


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU_TARGET_MS = 4.0  # per signal over every process (issue 16)
WALL_TARGET_S = 300.0  # for a month of 100,000 signals


BATCHED = {"delivery_mode": "batch", "batch_max_events": 100, "batch_max_wait_seconds": 1}  # a subscriber that asks for batches


def month_run(size: int, *, post_batch: int = 1000, patience: float = 3600, batched: bool = False) -> dict:
    """`size` arrears signals posted as a monthly run through the whole chain (every consumer,
    the monitor included), timed to the last webhook and to the moment every consumer group
    has committed everything, waiting at most `patience` seconds for each. The subscriber
    takes one CloudEvent per POST, or (`batched`) asks for batches of up to 100. Returns the
    figures; prints nothing."""
    chain = start_chain(database="postgres")
    receiver = WebhookReceiver().start()
    try:
        subscription = httpx.post(
            chain.url("notifications") + "/v1/subscriptions",
            json={"callback_url": receiver.url("/month"), "event_types": ["alert.raised"], **(BATCHED if batched else {})},
            headers={"X-API-Key": "dev-vroeg-eropaf-amsterdam"},
        ).json()
        receiver.secrets["/month"] = subscription["secret"]
        cpu_before = {name: cpu_seconds(pid) for name, pid in chain.pids().items()}
        machine_before, others_before = machine_busy_seconds(), others_cpu_seconds(set(chain.pids().values()))
        started = time.monotonic()
        post_rate = post_batches(chain.url("arrears"), {"X-API-Key": "dev-ymere"}, size, post_batch)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if _alerts_delivered(receiver) >= size:
                break
            time.sleep(0.5)
        last_webhook = time.monotonic()
        caught_up, lags = wait_until_caught_up(KAFKA, chain.env["SIGNAL_TOPIC_PREFIX"], timeout=patience)
        others = others_cpu_seconds(set(chain.pids().values()))
        return {
            "size": size,
            "topic_prefix": chain.env["SIGNAL_TOPIC_PREFIX"],
            "post_rate": post_rate,
            "to_last_webhook": last_webhook - started,
            "to_all_consumers": caught_up - started,
            "lag_left": sum(lags.values()),
            "groups": sorted(group.removeprefix(chain.env["SIGNAL_TOPIC_PREFIX"]) for group in lags),
            "delivered": _alerts_delivered(receiver),
            "requests": len(receiver.received),
            "batched": batched,
            "cpu": {name: cpu_seconds(pid) - cpu_before[name] for name, pid in chain.pids().items()},
            "machine": machine_busy_seconds() - machine_before,
            "others": {name: seconds - others_before[name] for name, seconds in others.items()},
            "memory": {name: rss_mib(pid) for name, pid in chain.pids().items()},
        }
    finally:
        receiver.stop()
        try:
            chain.stop()
        except Exception as exc:  # noqa: BLE001 - the figures are measured; say what was left behind
            print(f"  (cleaning up after the run failed: {type(exc).__name__}: {exc})")


def _alerts_delivered(receiver: WebhookReceiver) -> int:
    """CloudEvents acted on for the first time, one per POST or many in a batch."""
    return sum(len(r.fresh) for r in receiver.received)


def print_month(run: dict, raw_rate: float | None, size_on_wire: int) -> None:
    size, wall = run["size"], run["to_last_webhook"]
    raw = f"; raw aiokafka pipe {raw_rate:,.0f}/s of {size_on_wire}-byte records (chain/raw {size / wall / raw_rate:.1%})" if raw_rate else ""
    print(
        f"  {size:>7,} signals: {wall:6.1f}s to the last webhook, {size / wall:4.0f}/s end to end (posting {run['post_rate']:.0f}/s),"
        f" {run['delivered']:,} alerts delivered in {run['requests']:,} POSTs ({'batches' if run['batched'] else 'one per POST'}){raw}"
    )
    print(
        f"           every consumer caught up after {run['to_all_consumers']:.1f}s"
        f" ({len(run['groups'])} consumer groups, {run['lag_left']} records left)"
    )
    total_ms = 1000 * sum(run["cpu"].values()) / size
    print(
        "           CPU ms per signal: " + ", ".join(f"{name} {1000 * seconds / size:.1f}" for name, seconds in run["cpu"].items())
        + f"; all processes {total_ms:.1f} (target {CPU_TARGET_MS:.0f})"
    )
    print(
        f"           the whole machine, CPU ms per signal: {1000 * run['machine'] / size:.1f}"
        f" ({run['machine'] / run['to_all_consumers']:.2f} of {os.cpu_count()} cores busy until every consumer caught up); of it "
        + ", ".join(f"{name} {1000 * seconds / size:.1f}" for name, seconds in run["others"].items())
    )
    print("           peak RSS MiB:      " + ", ".join(f"{name} {mib:.0f}" for name, mib in run["memory"].items()))


def bench_month(sizes: tuple[int, ...] = (10_000, 50_000, 100_000)) -> None:
    size_on_wire = len(httpx.Request("POST", "http://x", json=body(0)).content) + 900  # the CloudEvent on the wire
    print(
        f"a month of arrears signals through the whole chain, every consumer including the monitor"
        f" (PostgreSQL; register rate limit {REGISTER_RATE}/s; target: 100,000 in under {WALL_TARGET_S:.0f}s):"
    )
    for size in sizes:
        raw_rate = asyncio.run(raw_kafka_throughput(size, size_on_wire))
        print_month(month_run(size), raw_rate, size_on_wire)
        print_month(month_run(size, batched=True), raw_rate, size_on_wire)  # the subscriber asks for batches


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    numbers = tuple(float(a) for a in sys.argv[2:])
    if what in ("intake", "all"):
        bench_intake(int(numbers[0]) if numbers and what == "intake" else 3000)
    if what in ("latency", "all"):
        bench_latency(numbers if numbers and what == "latency" else LATENCY_RATES)
    if what == "trickle":
        bench_trickle(*numbers)
    if what in ("month", "all"):
        bench_month(tuple(int(n) for n in numbers) if numbers and what == "month" else (10_000, 50_000, 100_000))
