"""A loopback TCP proxy that can take a dependency away: in front of PostgreSQL or the
register stand-in, one per service, so a test can cut exactly one service's link.

`cut()` drops every established connection (reset, as when a server dies) and closes
the listening socket, so new connections are refused; `restore()` listens again on the
same port. `outage(seconds)` does both around a sleep. The proxy runs its own asyncio
loop in a daemon thread, so synchronous and asynchronous tests use it alike.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from contextlib import suppress


class FaultProxy:
    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1", name: str = "proxy"):
        self.name = name
        self._target = (target_host, target_port)
        self.port = _free_port()
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


def _no_delay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
