"""The three-broker cluster of deploy/kafka/cluster.sh, driven from tests: start, kill -9 a
node, restart it, stop. Ports and data directory of its own, so it never meets the
shared single broker."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "kafka" / "cluster.sh"


@dataclass
class KafkaCluster:
    port: int
    controller_port: int
    directory: Path

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.port + n}" for n in range(3))

    def run(self, *args: str, timeout: float = 240) -> str:
        env = {
            **os.environ,
            "KAFKA_CLUSTER_PORT": str(self.port),
            "KAFKA_CLUSTER_CONTROLLER_PORT": str(self.controller_port),
            "KAFKA_CLUSTER_DIR": str(self.directory),
        }
        done = subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> str:
        return self.run("start")

    def stop(self) -> None:
        self.run("stop", "--wipe")

    def kill(self, node: int) -> None:
        self.run("kill", str(node))

    def restart(self, node: int) -> str:
        return self.run("restart", str(node))

    def wait_in_sync(self) -> None:
        self.run("in-sync")

    def pid(self, node: int) -> int | None:
        path = self.directory / f"node-{node}.pid"
        return int(path.read_text()) if path.exists() else None

    def rss_mib(self, node: int) -> int:
        status = Path(f"/proc/{self.pid(node)}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) // 1024
