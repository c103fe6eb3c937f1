"""Chaos run: while signals stream in, kill -9 every service once and restart the broker
once; afterwards every expected alert must have reached the receiver exactly once (after
de-duplication by CloudEvent id), no signal lost, no case duplicated.

    .venv/bin/python -m tests.chaos.run_chaos [signals] [rate_per_second]

Runs its own Kafka broker (port 49092, own data dir) so other test runs are not
disturbed, PostgreSQL from deploy/postgres, and the services as processes. Prints a
summary; exits non-zero when an expectation fails. Not part of `make test` (it runs
for minutes); `make chaos` runs it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import POSTGRES, create_database, drop_database
from tests.support.processes import REPO, ServiceProcess, free_port
from tests.support.webhook_receiver import WebhookReceiver

SERVICES = ("arrears", "triage", "placement", "notifications")
KAFKA_PORT, KAFKA_CONTROLLER_PORT = 49092, 49093
KAFKA_ENV = {
    "KAFKA_PORT": str(KAFKA_PORT),
    "KAFKA_CONTROLLER_PORT": str(KAFKA_CONTROLLER_PORT),
    "KAFKA_DATA_DIR": str(REPO / ".run" / "kafka-chaos"),
    "KAFKA_RUN_DIR": str(REPO / ".run" / "kafka-chaos-run"),
}


def kafka(command: str, *args: str) -> None:
    subprocess.run([str(REPO / "deploy" / "kafka" / command), *args], env={**os.environ, **KAFKA_ENV}, check=True)


def dwelling(n: int) -> str:
    return f"036301{8_000_000_000 + n:010d}"


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(total: int = 5000, rate: float = 50.0) -> int:
    kafka("stop.sh", "--wipe")
    kafka("start.sh")
    bootstrap = f"127.0.0.1:{KAFKA_PORT}"
    log_dir = Path(tempfile.mkdtemp(prefix="chaos-logs-"))
    databases = {name: create_database(POSTGRES, name) for name in SERVICES}
    ports = {name: free_port() for name in (*SERVICES, "register")}
    env = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": bootstrap,
        "SIGNAL_TOPIC_PREFIX": f"chaos{uuid.uuid4().hex[:6]}.",
        "SIGNAL_LOG_LEVEL": "WARNING",
        "REGISTER_PORT": str(ports["register"]),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{ports['register']}/haalcentraal/api/brp",
        "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.5",
        "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": "5",
        "NOTIFICATIONS_RETRY_MAX_ATTEMPTS": "50",
    }
    for name in SERVICES:
        env[f"{name.upper()}_PORT"] = str(ports[name])
        env[f"{name.upper()}_DATABASE_URL"] = databases[name][1]
    processes = {"register": ServiceProcess("services.register", ports["register"], env, log_dir, "/health")}
    processes.update({name: ServiceProcess(f"services.{name}", ports[name], env, log_dir) for name in SERVICES})
    receiver = WebhookReceiver().start()
    failures: list[str] = []
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            process.wait_ready()
        with httpx.Client(base_url=processes["notifications"].url, headers={"X-API-Key": "dev-vroeg-eropaf-amsterdam"}) as client:
            subscription = client.post(
                "/v1/subscriptions", json={"callback_url": receiver.url("/chaos"), "event_types": ["alert.raised"]}
            ).json()
        receiver.secrets["/chaos"] = subscription["secret"]

        accepted: dict[str, int] = {}
        rejected = Counter()
        stop_posting = threading.Event()

        def post_all():
            with httpx.Client(base_url=processes["arrears"].url, headers={"X-API-Key": "dev-ymere"}, timeout=10) as intake:
                for n in range(total):
                    if stop_posting.is_set():
                        return
                    body = {
                        "type": "arrears.reported",
                        "address": {"adresseerbaarObjectIdentificatie": dwelling(n)},
                        "observed_on": "2026-11-27",
                        "months": 2,
                        "amount_eur": "900.00",
                    }
                    for _attempt in range(60):  # the intake itself is killed once: a partner retries
                        try:
                            response = intake.post("/v1/signals", json=body, headers={"Idempotency-Key": f"chaos-{n}"})
                            if response.status_code in (200, 202):
                                accepted[response.json()["id"]] = n
                                break
                            rejected[response.status_code] += 1
                        except httpx.HTTPError as exc:
                            rejected[type(exc).__name__] += 1
                        time.sleep(0.5)
                    time.sleep(1 / rate)

        poster = threading.Thread(target=post_all)
        started = time.monotonic()
        poster.start()

        def at_fraction(fraction: float) -> None:
            while len(accepted) < total * fraction and poster.is_alive():
                time.sleep(0.2)

        for fraction, victim in [(0.1, "triage"), (0.25, "notifications"), (0.4, "arrears"), (0.55, "broker"), (0.7, "placement"), (0.8, "register")]:
            at_fraction(fraction)
            if victim == "broker":
                log(f"restarting the Kafka broker at {len(accepted)} accepted signals")
                kafka("stop.sh")
                time.sleep(2)
                kafka("start.sh")
            else:
                log(f"kill -9 {victim} at {len(accepted)} accepted signals")
                processes[victim].kill()
                time.sleep(1)
                processes[victim].start()
                processes[victim].wait_ready()
        poster.join()
        posting_time = time.monotonic() - started
        log(f"posted {len(accepted)} signals in {posting_time:.0f}s; transient errors seen by the partner: {dict(rejected)}")

        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            unique = {e["data"]["signal_id"] for e in receiver.events("/chaos")}
            if unique >= set(accepted):
                break
            time.sleep(1)
        drained = time.monotonic() - started
        verified = [r for r in receiver.received if r.path == "/chaos" and r.verified]
        per_event = Counter(r.headers.get("Idempotency-Key") for r in verified)
        alerts_by_signal = Counter(r.event["data"]["signal_id"] for r in verified if r.first_time)
        duplicates = sum(count - 1 for count in per_event.values())
        missing = set(accepted) - set(alerts_by_signal)
        twice = [s for s, c in alerts_by_signal.items() if c > 1]
        cases, raised = asyncio.run(count_cases(databases["triage"][1]))
        log(f"alerts at the receiver: {len(alerts_by_signal)} signals alerted, {len(verified)} deliveries, {duplicates} duplicate deliveries (same CloudEvent id)")
        log(f"triage: {cases} cases for {len(set(accepted.values()))} dwellings, {raised} alerts raised; all delivered after {drained:.0f}s")
        if missing:
            failures.append(f"{len(missing)} signals never alerted")
        if twice:
            failures.append(f"{len(twice)} signals alerted more than once (distinct alerts)")
        if cases != len(set(accepted.values())):
            failures.append(f"{cases} cases for {len(set(accepted.values()))} dwellings")
        if len(accepted) != total:
            failures.append(f"only {len(accepted)} of {total} signals accepted")
    finally:
        receiver.stop()
        for process in processes.values():
            process.stop()
        kafka("stop.sh", "--wipe")
        for name, _ in databases.values():
            drop_database(POSTGRES, name)
    log("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 1 if failures else 0


async def count_cases(url: str) -> tuple[int, int]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await connection.fetchval("SELECT count(*) FROM household_case"), await connection.fetchval("SELECT count(*) FROM alert")
    finally:
        await connection.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(main(int(arguments[0]) if arguments else 5000, float(arguments[1]) if len(arguments) > 1 else 50.0))
