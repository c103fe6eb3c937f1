"""The whole chain as processes on real Kafka and PostgreSQL, each service's database and
triage's register behind a fault proxy of its own (tests/support/fault_proxy.py), with
real webhook receivers for the teams that must act."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.conftest import create_database, drop_database
from tests.support.fault_proxy import ProxyProcess
from tests.support.metrics import Scrape, scrape
from tests.support.processes import ServiceProcess, free_port, stop_all
from tests.support.webhook_receiver import WebhookReceiver

SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")
EROPAF, GGD = "vroeg-eropaf-amsterdam", "ggd-amsterdam-vangnet"
PATHS = {EROPAF: "/eropaf", GGD: "/ggd"}
DATABASE, REGISTER = "database", "register"


@dataclass
class FaultChain:
    prefix: str
    kafka: str
    processes: dict[str, ServiceProcess]
    proxies: dict[tuple[str, str], ProxyProcess]  # (service, dependency) -> its proxy
    databases: dict[str, tuple[str, str]]  # service -> (name, direct URL, not through the proxy)
    receiver: WebhookReceiver
    admin_url: str
    log_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.processes[service].url

    def direct_database(self, service: str) -> str:
        """asyncpg URL of the service's database, not through its proxy (for counting)."""
        return self.databases[service][1].replace("postgresql+asyncpg://", "postgresql://")

    def metrics(self, service: str) -> Scrape | None:
        try:
            return scrape(self.url(service))
        except (httpx.HTTPError, AssertionError, ValueError):
            return None

    def logs(self, lines: int = 30) -> str:
        return "\n".join(f"--- {name}\n{process.log_tail(lines)}" for name, process in self.processes.items())

    def stop(self) -> None:
        stop_all(self.processes.values())
        for proxy in self.proxies.values():
            proxy.stop()
        self.receiver.stop()
        for name, _url in self.databases.values():
            drop_database(self.admin_url, name)


def start_fault_chain(kafka: str, admin_url: str) -> FaultChain:
    log_dir = Path(tempfile.mkdtemp(prefix="fault-logs-"))
    ports = {name: free_port() for name in (*SERVICES, "register")}
    databases = {name: create_database(admin_url, f"fault_{name}") for name in SERVICES}
    postgres_port = urlsplit(admin_url).port
    proxies = {(name, DATABASE): ProxyProcess(postgres_port, name=f"{name}-db").start() for name in SERVICES}
    proxies[("triage", REGISTER)] = ProxyProcess(ports["register"], name="register").start()
    env = {
        "SIGNAL_ENVIRONMENT": "test",
        "SIGNAL_KAFKA_BOOTSTRAP": kafka,
        "SIGNAL_TOPIC_PREFIX": f"fault{uuid.uuid4().hex[:6]}.",
        "SIGNAL_LOG_LEVEL": "WARNING",
        "REGISTER_PORT": str(ports["register"]),
        "REGISTER_LOG_LEVEL": "warning",
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{proxies[('triage', REGISTER)].port}/haalcentraal/api/brp",
        "TRIAGE_REGISTER_REQUESTS_PER_SECOND": "2000",  # the stand-in is ours (see tests/benchmarks/chain.py)
        "TRIAGE_REGISTER_BURST": "100",
        "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.5",
        "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": "5",
        "NOTIFICATIONS_RETRY_MAX_ATTEMPTS": "200",  # a delivery must outlast the longest outage
    }
    for name in SERVICES:
        env[f"{name.upper()}_PORT"] = str(ports[name])
        env[f"{name.upper()}_DATABASE_URL"] = _through(databases[name][1], proxies[(name, DATABASE)].port)
    processes = {"register": ServiceProcess("services.register", ports["register"], env, log_dir, "/health")}
    processes.update({name: ServiceProcess(f"services.{name}", ports[name], env, log_dir) for name in SERVICES})
    receiver = WebhookReceiver().start()
    chain = FaultChain(env["SIGNAL_TOPIC_PREFIX"], kafka, processes, proxies, databases, receiver, admin_url, log_dir, env)
    try:
        for process in processes.values():
            process.start()
        for process in processes.values():
            process.wait_ready()
        _subscribe(chain)
    except BaseException:
        chain.stop()
        raise
    return chain


def _subscribe(chain: FaultChain) -> None:
    for organisation, path in PATHS.items():
        with httpx.Client(base_url=chain.url("notifications"), headers={"X-API-Key": f"dev-{organisation}"}, timeout=10) as client:
            response = client.post("/v1/subscriptions", json={"callback_url": chain.receiver.url(path), "event_types": ["alert.raised"]})
        assert response.status_code == 201, response.text
        chain.receiver.secrets[path] = response.json()["secret"]


def _through(url: str, port: int) -> str:
    """The same database URL, but to the proxy's port."""
    parts = urlsplit(url)
    return parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}").geturl()
