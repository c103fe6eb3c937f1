"""Benchmark: one signal's time from POST to webhook, and a burst's throughput.

Runs the real chain (Kafka, PostgreSQL, the register stand-in, every service as its
own process) like the end-to-end tests do, then prints figures. Asserts nothing.

    make bench            # or: .venv/bin/python -m tests.benchmarks.bench_signal_latency [sequential] [burst]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from tests.conftest import KAFKA, POSTGRES, create_database, drop_database
from tests.support.processes import ServiceProcess, free_port
from tests.support.webhook_receiver import WebhookReceiver

SERVICES = ("arrears", "triage", "placement", "notifications")
FAMILY_DWELLING = "0363010001004477"


def start_chain(log_dir: Path):
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    databases = {name: create_database(POSTGRES, name) for name in SERVICES}
    ports = {name: free_port() for name in (*SERVICES, "register")}
    env = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": KAFKA,
        "SIGNAL_TOPIC_PREFIX": prefix,
        "SIGNAL_LOG_LEVEL": "WARNING",
        "REGISTER_PORT": str(ports["register"]),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{ports['register']}/haalcentraal/api/brp",
    }
    for name in SERVICES:
        env[f"{name.upper()}_PORT"] = str(ports[name])
        env[f"{name.upper()}_DATABASE_URL"] = databases[name][1]
    processes = {"register": ServiceProcess("services.register", ports["register"], env, log_dir, "/health")}
    processes.update({name: ServiceProcess(f"services.{name}", ports[name], env, log_dir) for name in SERVICES})
    for process in processes.values():
        process.start()
    for process in processes.values():
        process.wait_ready()
    return processes, databases


def signal_body(n: int) -> dict:
    """The n-th signal for the family: arrears that keep rising, so each one alerts."""
    return {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING},
        "observed_on": "2026-11-27",
        "months": 2,
        "amount_eur": f"{1000 + n}.00",
    }


def wait_for_alert(receiver: WebhookReceiver, signal_id: str, timeout: float = 30.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in receiver.received:
            if received.first_time and received.event["data"].get("signal_id") == signal_id:
                return received.at
        time.sleep(0.002)
    raise TimeoutError(f"no alert for {signal_id}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(sequential: int = 50, burst: int = 300) -> None:
    log_dir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    processes, databases = start_chain(log_dir)
    receiver = WebhookReceiver().start()
    try:
        notifications = httpx.Client(base_url=processes["notifications"].url, headers={"X-API-Key": "dev-vroeg-eropaf-amsterdam"})
        subscription = notifications.post(
            "/v1/subscriptions", json={"callback_url": receiver.url("/bench"), "event_types": ["alert.raised"]}
        ).json()
        receiver.secrets["/bench"] = subscription["secret"]
        intake = httpx.Client(base_url=processes["arrears"].url, headers={"X-API-Key": "dev-ymere"}, timeout=30)

        intake.post("/v1/signals", json=signal_body(0))  # warm-up: connections, caches, group joins
        time.sleep(2)

        latencies = []
        for i in range(sequential):
            started = time.monotonic()
            signal_id = intake.post("/v1/signals", json=signal_body(i + 1)).json()["id"]
            latencies.append((wait_for_alert(receiver, signal_id) - started) * 1000)

        started = time.monotonic()
        ids = [intake.post("/v1/signals", json=signal_body(i + 1)).json()["id"] for i in range(sequential, sequential + burst)]
        posted = time.monotonic() - started
        last = max(wait_for_alert(receiver, signal_id, timeout=120) for signal_id in ids)
        total = last - started

        print(f"POST -> webhook latency, {sequential} signals one at a time (ms):")
        print(f"  p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 95):.0f}  max {max(latencies):.0f}")
        print(f"burst of {burst} signals posted in {posted:.1f}s ({burst / posted:.0f}/s); all alerts at the webhook after {total:.1f}s ({burst / total:.0f}/s end to end)")
    finally:
        receiver.stop()
        for process in processes.values():
            process.stop()
        for name, _ in databases.values():
            drop_database(POSTGRES, name)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
