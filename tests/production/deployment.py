"""The chain as deployed: the register stand-in and two instances of every service and of
the portal, in production (`SIGNAL_ENVIRONMENT=production`), every database migrated first
with the deploy command (`python -m services.<name> migrate`).

The settings are what a deployment gives: generated secrets, the run's Keycloak as the
OpenID Connect issuer (http on loopback, the one exception production allows to https),
replication 3, triage's register client's secret (it fetches its access tokens from
Keycloak; the register stand-in takes nothing else), and `NOTIFICATIONS_CALLBACK_ALLOWED_NETWORKS` naming the loopback network,
because the check's partners' receivers listen there — as a municipality names the
internal network its partners' receivers are on. They still must speak https with a
certificate the chain trusts (`SSL_CERT_FILE`: the run's CA)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.production.infrastructure import Infrastructure, own_port
from tests.production.run_secrets import RunSecrets
from tests.support.processes import ServiceProcess

SERVICES = ("arrears", "triage", "placement", "notifications", "monitor")
INSTANCES = 2
DELIVERY_LEASE_SECONDS = "30"  # a killed deliverer's claimed deliveries go out again after 30 s, not 5 min


def chain_env(infra: Infrastructure, secrets: RunSecrets, register_port: int) -> dict[str, str]:
    env = {
        "SIGNAL_ENVIRONMENT": "production",
        "SIGNAL_KAFKA_BOOTSTRAP": infra.cluster.bootstrap,
        "SIGNAL_TOPIC_PREFIX": "",
        "SIGNAL_TOPIC_REPLICATION": "3",
        "SIGNAL_PSEUDONYM_KEY": secrets.pseudonym_key,
        "SIGNAL_ADDRESS_KEYS": secrets.address_keys,
        "SIGNAL_ORGANISATIONS_FILE": str(secrets.organisations_file),
        "SIGNAL_OIDC_ISSUER": infra.keycloak.issuer,
        "SIGNAL_METRICS_TOKEN": secrets.metrics_token,
        "SIGNAL_LOG_LEVEL": "WARNING",
        "MONITOR_LINK_KEY": secrets.link_key,
        "REGISTER_PORT": str(register_port),
        "REGISTER_OIDC_ISSUER": infra.keycloak.issuer,
        "REGISTER_LOG_LEVEL": "warning",
        "TRIAGE_REGISTER_URL": f"http://127.0.0.1:{register_port}/haalcentraal/api/brp",
        "NOTIFICATIONS_CALLBACK_ALLOWED_NETWORKS": json.dumps(["127.0.0.0/8"]),
        "NOTIFICATIONS_DELIVERY_LEASE_SECONDS": DELIVERY_LEASE_SECONDS,
        "SSL_CERT_FILE": str(secrets.certificates.ca_file),
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = infra.postgres.url(name)
    return env


@dataclass
class Deployment:
    env: dict[str, str]
    log_dir: Path
    register: ServiceProcess
    instances: dict[str, list[ServiceProcess]] = field(default_factory=dict)

    @classmethod
    def plan(cls, infra: Infrastructure, secrets: RunSecrets, log_dir: Path) -> "Deployment":
        register_port = own_port()
        env = chain_env(infra, secrets, register_port)
        # The stand-in serves fictitious persons only and refuses production: it says so explicitly,
        # as docker-compose.yml does. The services around it run in production.
        stand_in_env = {**env, "SIGNAL_ENVIRONMENT": "development"}
        register = ServiceProcess("services.register", register_port, stand_in_env, log_dir, "/health", migrate=False)
        deployment = cls(env, log_dir, register)
        for name in SERVICES:
            own = deployment._own_env(name, secrets)
            deployment.instances[name] = [deployment._instance(name, n, own) for n in range(INSTANCES)]
        deployment.instances["portal"] = [
            deployment._instance("portal", n, deployment._portal_env(n, secrets)) for n in range(INSTANCES)
        ]
        return deployment

    def _own_env(self, name: str, secrets: RunSecrets) -> dict[str, str]:
        """Triage: its register client's secret. Notifications: where partners reach triage and
        placement (their first instances here)."""
        if name == "triage":
            return {"TRIAGE_REGISTER_CLIENT_SECRET": secrets.register_client_secret, "TRIAGE_PERSON_KEY": secrets.link_key + "-persons"}
        if name == "notifications":
            return {"NOTIFICATIONS_TRIAGE_URL": self.instances["triage"][0].url,
                    "NOTIFICATIONS_PLACEMENT_URL": self.instances["placement"][0].url}  # fmt: skip
        return {}

    def _instance(self, name: str, n: int, extra: dict[str, str]) -> ServiceProcess:
        port = own_port()
        env = {**self.env, **extra, f"{name.upper()}_PORT": str(port)}
        if name == "notifications":
            env["NOTIFICATIONS_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        return ServiceProcess(f"services.{name}", port, env, self.log_dir, migrate=False, name=f"{name}-{n + 1}")

    def _portal_env(self, n: int, secrets: RunSecrets) -> dict[str, str]:
        """Portal n talks to instance n of each service (a deployment puts a load balancer there)."""
        urls = {f"PORTAL_{name.upper()}_URL": self.instances[name][n].url for name in SERVICES}
        return {**urls, "PORTAL_OIDC_CLIENT_SECRET": secrets.portal_client_secret}

    def urls(self, service: str) -> list[str]:
        return [process.url for process in self.instances[service]]

    def processes(self) -> list[ServiceProcess]:
        return [self.register, *(process for group in self.instances.values() for process in group)]

    def migrate(self) -> list[str]:
        """`python -m services.<name> migrate` once per database, as a deploy runs it."""
        with ThreadPoolExecutor(len(SERVICES)) as pool:
            return list(pool.map(lambda name: self.instances[name][0].migrate(as_deployed=True), SERVICES))

    def start(self) -> None:
        for process in self.processes():
            process.start()
        for process in self.processes():
            process.wait_ready(timeout=240)

    def restart(self, service: str, n: int) -> None:
        """kill -9 one instance, start it again, wait until it is ready."""
        process = self.instances[service][n]
        process.kill()
        process.start()
        process.wait_ready(timeout=240)

    def stop(self) -> None:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda process: process.stop(), self.processes()))
