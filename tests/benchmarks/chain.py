"""Start the real local chain for benchmarks: Kafka and PostgreSQL from deploy/, the
register stand-in and the services as processes (like `make up`, with fresh databases
and a unique topic prefix). Every consumer of the chain runs by default, the monitor
included; the portal (no database, no Kafka) on request."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import KAFKA, POSTGRES, create_database, drop_database
from tests.support.kafka_tools import delete_topics_with_prefix
from tests.support.processes import ServiceProcess, free_port, stop_all

SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")  # every service with a database and consumers
PAGES = "portal"
REGISTER_RATE = "2000"


@dataclass
class BenchChain:
    processes: dict[str, ServiceProcess]
    databases: dict[str, tuple[str, str]]
    env: dict[str, str] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.processes[service].url

    def pids(self) -> dict[str, int]:
        return {name: process._process.pid for name, process in self.processes.items()}  # noqa: SLF001

    def stop(self) -> None:
        stop_all(self.processes.values())
        for name, _ in self.databases.values():
            drop_database(POSTGRES, name)
        delete_topics_with_prefix(KAFKA, self.env["SIGNAL_TOPIC_PREFIX"])  # the dev broker lives on between runs


def start_chain(
    *, database: str = "postgres", extra_env: dict[str, str] | None = None, services: tuple[str, ...] = SERVICES
) -> BenchChain:
    """The register stand-in and `services` as processes, on fresh databases and topics;
    `services` may name the portal too (it reads the others over HTTP)."""
    log_dir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    ports = {name: free_port() for name in (*SERVICES, PAGES, "register")}
    env = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": KAFKA,
        "SIGNAL_TOPIC_PREFIX": f"bench{uuid.uuid4().hex[:6]}.",
        "SIGNAL_LOG_LEVEL": "WARNING",
        "REGISTER_PORT": str(ports["register"]),
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{ports['register']}/haalcentraal/api/brp",
        # The default (50/s) is the load agreed with a real register; the stand-in is ours,
        # so the benchmark measures the chain, not that agreement (printed with the figures).
        "TRIAGE_REGISTER_REQUESTS_PER_SECOND": REGISTER_RATE,
        "TRIAGE_REGISTER_BURST": "100",
        **(extra_env or {}),
    }
    databases: dict[str, tuple[str, str]] = {}
    env.update({f"PORTAL_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in SERVICES})
    for name in services:
        env[f"{name.upper()}_PORT"] = str(ports[name])
        if name == PAGES:
            continue
        if database == "postgres":
            databases[name] = create_database(POSTGRES, name)
            env[f"{name.upper()}_DATABASE_URL"] = databases[name][1]
        else:
            env[f"{name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{log_dir}/{name}.db"
    processes = {"register": ServiceProcess("services.register", ports["register"], env, log_dir, "/health")}
    processes.update({name: ServiceProcess(f"services.{name}", ports[name], env, log_dir) for name in services})
    for process in processes.values():
        process.start()
    for process in processes.values():
        process.wait_ready()
    return BenchChain(processes=processes, databases=databases, env=env)


def rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
