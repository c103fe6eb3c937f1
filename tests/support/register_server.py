"""The population-register stand-in as a real HTTP server, for tests.

`running_register()` serves an app with uvicorn on a free 127.0.0.1 port in a
background thread (fast; one per test module is enough). `register_process()`
starts `python -m services.register` as its own process, exactly as deployed.
Both yield the root URL, e.g. http://127.0.0.1:54321; the Haal Centraal base
URLs hang below it (see PERSONEN_BASE and BEWONING_BASE).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from services.register.app import create_app
from tests.support.ports import free_port

PERSONEN_BASE = "/haalcentraal/api/brp"
BEWONING_BASE = "/haalcentraal/api/bewoning"
REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0


@contextmanager
def running_register(app: FastAPI | None = None) -> Iterator[str]:
    """Serve `app` (default: the stand-in with all test data) until the block ends."""
    app = app or create_app()
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they
    # are TCP, and without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("register stand-in did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def register_process(**env: str) -> Iterator[str]:
    """Run `python -m services.register` on a free port; extra REGISTER_* settings via `env`."""
    port = free_port()
    environment = os.environ | {"REGISTER_PORT": str(port), "REGISTER_LOG_LEVEL": "warning"} | env
    process = subprocess.Popen(
        [sys.executable, "-m", "services.register"],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_for_health(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"register process exited: {process.stderr.read().decode(errors='replace')}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("register process did not become healthy")
