"""Keycloak, the three-broker Kafka cluster and PostgreSQL of the check, each started with
the project's own script (deploy/keycloak/start.sh, deploy/kafka/cluster.sh,
deploy/postgres/start.sh) on ports and data directories of its own, so the check runs
beside the development broker (9092), PostgreSQL (55432) and Keycloak (8180)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.kafka_cluster import KafkaCluster
from tests.support.ports import free_port, free_port_block
from tests.support.processes import REPO

REALM = "signaalketen"
DATABASES = ("arrears", "triage", "placement", "notifications", "monitor")


def own_port() -> int:
    """One free port outside RESERVED, not handed out before in this run."""
    return free_port()


START_TIMEOUT = 1200  # seconds: a first start fetches and builds Keycloak and the Kafka jars; the machine may be loaded


def run_script(script: Path, env: dict[str, str], log: Path, *args: str, timeout: float = START_TIMEOUT) -> str:
    """Run one of the project's scripts; its output goes to `log`; raise with the tail on failure."""
    done = subprocess.run(
        [str(script), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout, cwd=REPO
    )
    with open(log, "a") as out:
        out.write(f"$ {script.relative_to(REPO)} {' '.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise RuntimeError(f"{script.relative_to(REPO)} {' '.join(args)} failed ({done.returncode}):\n{tail}")
    return done.stdout


def rss_mib(pid: int | None) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return None
    lines = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(lines[0].split()[1]) // 1024 if lines else None


@dataclass
class Keycloak:
    port: int
    directory: Path  # data dir, pid, lock and log of this instance
    realm_file: Path
    log: Path

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/{REALM}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "KEYCLOAK_PORT": str(self.port),
            "KEYCLOAK_DATA_DIR": str(self.directory / "data"),
            "KEYCLOAK_RUN_DIR": str(self.directory / "run"),
            "KEYCLOAK_REALM_FILE": str(self.realm_file),
            "KEYCLOAK_START_TIMEOUT": "600",
        }

    def start(self) -> str:
        return run_script(REPO / "deploy" / "keycloak" / "start.sh", self.env, self.log)

    def stop(self) -> None:
        run_script(REPO / "deploy" / "keycloak" / "stop.sh", self.env, self.log, "--wipe")

    def pid(self) -> int | None:
        path = self.directory / "run" / f"keycloak-{self.port}.pid"
        return int(path.read_text()) if path.exists() else None


@dataclass
class Postgres:
    port: int
    data_dir: Path
    log: Path

    @property
    def env(self) -> dict[str, str]:
        return {"PGPORT": str(self.port), "PG_DATA_DIR": str(self.data_dir), "PG_DATABASES": " ".join(DATABASES)}

    def start(self) -> str:
        return run_script(REPO / "deploy" / "postgres" / "start.sh", self.env, self.log)

    def stop(self) -> None:
        run_script(REPO / "deploy" / "postgres" / "stop.sh", self.env, self.log, "--wipe")
        for leftover in (f"postgres-{self.port}.lock", f"postgres-{self.port}-initdb.out"):  # start.sh's, in .run/
            (REPO / ".run" / leftover).unlink(missing_ok=True)

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://signal:signal@127.0.0.1:{self.port}/{database}"


@dataclass
class Infrastructure:
    keycloak: Keycloak
    cluster: KafkaCluster
    postgres: Postgres

    @classmethod
    def on_free_ports(cls, run_dir: Path, realm_file: Path) -> "Infrastructure":
        log = run_dir / "infrastructure.log"
        kafka = free_port_block(3)
        controllers = free_port_block(3)
        postgres = own_port()
        # /var/tmp: the postgres OS user must be able to reach the data dir (deploy/postgres/_common.sh)
        pg_dir = Path("/var/tmp") / f"signal-chain-pg-{postgres}"
        return cls(
            keycloak=Keycloak(own_port(), run_dir / "keycloak", realm_file, log),
            cluster=KafkaCluster(kafka, controllers, run_dir / "kafka-cluster"),
            postgres=Postgres(postgres, pg_dir, log),
        )

    def start_cluster(self) -> str:
        os.environ.setdefault("KAFKA_START_TIMEOUT", "600")  # cluster.sh's own wait, per start and restart
        return self.cluster.run("start", timeout=START_TIMEOUT)

    def restart_broker(self, node: int) -> None:
        self.cluster.run("restart", str(node), timeout=START_TIMEOUT)
        self.cluster.run("in-sync", timeout=START_TIMEOUT)

    def memory(self) -> dict[str, int | None]:
        """Resident memory (MiB) of Keycloak and of each broker now."""
        found = {"keycloak": rss_mib(self.keycloak.pid())}
        for node in (1, 2, 3):
            found[f"broker {node}"] = rss_mib(self.cluster.pid(node))
        return found
