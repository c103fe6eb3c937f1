"""A loopback TCP proxy that can take a dependency away: in front of PostgreSQL or the
register stand-in, one per service, so a test can cut exactly one service's link.

`cut()` drops every established connection (reset, as when a server dies) and closes
the listening socket, so new connections are refused; `restore()` listens again on the
same port. `outage(seconds)` does both around a sleep. `FaultProxy` runs its own asyncio
loop in a daemon thread, so synchronous and asynchronous tests use it alike.

`ProxyProcess` runs one in a process of its own (`python -m tests.support.fault_proxy`),
cut and restored by signals: a whole chain's database traffic then does not compete for
the test process's interpreter with the signals it streams and the webhooks it receives.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from tests.support.ports import free_port


class FaultProxy:
    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1", name: str = "proxy"):
        self.name = name
        self._target = (target_host, target_port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"fault-proxy-{name}", daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self.cuts = 0
        self.dropped = 0  # established connections reset by cuts

    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        with suppress(RuntimeError):
            self._call(self._close(drop=True))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    @property
    def is_cut(self) -> bool:
        return self._server is None

    def cut(self) -> None:
        """Reset every established connection and refuse new ones until `restore()`."""
        self.cuts += 1
        self._call(self._close(drop=True))

    def restore(self) -> None:
        self._call(self._listen())

    def outage(self, seconds: float) -> None:
        self.cut()
        try:
            time.sleep(seconds)
        finally:
            self.restore()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _close(self, *, drop: bool) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        if drop:
            links, self._links = self._links, set()
            for writer in links:
                writer.transport.abort()
            self.dropped += len(links) // 2

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._server is None:  # accepted in the instant of a cut
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.transport.abort()
            return
        for writer in (client_writer, upstream_writer):
            _no_delay(writer)
            self._links.add(writer)
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer), return_exceptions=True
        )
        for writer in (client_writer, upstream_writer):
            self._links.discard(writer)
            writer.transport.abort()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            with suppress(OSError, RuntimeError):
                if writer.can_write_eof():
                    writer.write_eof()


class ProxyProcess:
    """A FaultProxy in its own process; `cut()` and `restore()` return once they took effect."""

    def __init__(self, target_port: int, *, name: str = "proxy"):
        self.name = name
        self.port = free_port()
        self._target_port = target_port
        self._process: subprocess.Popen | None = None

    def start(self) -> ProxyProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.fault_proxy", str(self.port), str(self._target_port)],
            cwd=Path(__file__).resolve().parents[2],
        )
        self._await(listening=True)
        return self

    def cut(self) -> None:
        self._process.send_signal(signal.SIGUSR1)
        self._await(listening=False)

    def restore(self) -> None:
        self._process.send_signal(signal.SIGUSR2)
        self._await(listening=True)

    def outage(self, seconds: float) -> None:
        self.cut()
        try:
            time.sleep(seconds)
        finally:
            self.restore()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _await(self, *, listening: bool, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"fault proxy {self.name} exited with {self._process.returncode}")
            if _listening(self.port) == listening:
                return
            time.sleep(0.02)
        raise RuntimeError(f"fault proxy {self.name} did not {'listen' if listening else 'stop listening'}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    """`python -m tests.support.fault_proxy LISTEN_PORT TARGET_PORT`: SIGUSR1 cuts, SIGUSR2 restores."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("listen_port", type=int)
    parser.add_argument("target_port", type=int)
    options = parser.parse_args()
    handled = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, handled)  # delivered to sigwait below, not to the proxy's thread
    proxy = FaultProxy(options.target_port, name=f"{options.listen_port}")
    proxy.port = options.listen_port
    proxy.start()
    while (received := signal.sigwait(handled)) not in (signal.SIGTERM, signal.SIGINT):
        proxy.cut() if received == signal.SIGUSR1 else proxy.restore()
    proxy.stop()


def _no_delay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


if __name__ == "__main__":
    main()
