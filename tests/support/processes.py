"""Run the services as separate processes, as `make up` does, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.migrations.layout import SERVICES as MIGRATED_SERVICES
from tests.support.ports import free_port  # noqa: F401 - the tests' one way to a port

REPO = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """One service process. `start` first migrates its database, as a deploy does (with
    `python -m shared.migrations upgrade <name>`, which reads the same settings as
    `python -m services.<name> migrate` and starts quicker); pass `migrate=False` for a
    second instance on a database already migrated."""

    def __init__(
        self,
        module: str,
        port: int,
        env: dict[str, str],
        log_dir: Path,
        ready_path: str = "/health/ready",
        *,
        migrate: bool = True,
        name: str | None = None,
        cwd: Path = REPO,
    ):
        self.module = module
        self.service = module.rsplit(".", 1)[-1]
        self._migrate = migrate and self.service in MIGRATED_SERVICES
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._env = {**os.environ, **env}
        self._log_path = log_dir / f"{name or self.service}.log"
        self._ready_path = ready_path
        self._process: subprocess.Popen | None = None
        self._cwd = cwd  # the code it runs: this checkout, or an older one (tests/e2e/test_migration_from_before_migrations.py)

    def start(self) -> "ServiceProcess":
        if self._migrate:
            self.migrate()
        log = open(self._log_path, "ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", self.module], cwd=self._cwd, env=self._env, stdout=log, stderr=subprocess.STDOUT
        )
        return self

    def migrate(self, *, as_deployed: bool = False) -> str:
        """Upgrade the service's database; `as_deployed` with the deploy command itself."""
        command = [self.module, "migrate"] if as_deployed else ["shared.migrations", "upgrade", self.service]
        migration = subprocess.run(
            [sys.executable, "-m", *command], cwd=self._cwd, env=self._env, capture_output=True, text=True, timeout=120
        )
        if migration.returncode != 0:
            raise RuntimeError(f"{self.module} migrate failed:\n{migration.stdout}\n{migration.stderr}")
        return migration.stdout

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.module} exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + self._ready_path, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.module} not ready after {timeout}s:\n{self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int | None:
        self.signal(sig)
        return self.wait_stopped(timeout)

    def wait_stopped(self, timeout: float = 20.0) -> int | None:
        """Wait for a signalled process to end; kill it after `timeout` seconds."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def signal(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` without waiting (see stop_all)."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(sig)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def log_text(self) -> str:
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""


def stop_all(processes) -> None:
    """Stop several processes at once: all are told first, so their graceful shutdowns
    (leaving consumer groups, closing pools) overlap instead of queueing."""
    processes = list(processes)
    for process in processes:
        process.signal()
    for process in processes:
        process.wait_stopped()
