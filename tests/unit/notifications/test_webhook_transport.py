"""The webhook connections (services.notifications.webhook_transport) against real servers on
loopback: what a partner's endpoint receives, how few connections it sees, and the name each
kind of failure is recorded under (the delivery log and the dead letter show it)."""

from __future__ import annotations

import asyncio
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from services.notifications.webhook_transport import WebhookTransport


class Partner:
    """A keep-alive HTTP/1.1 endpoint that records header names as they arrived and counts connections."""

    def __init__(self, delay: float = 0.0):
        self.header_names: list[list[str]] = []
        self.connections = 0
        self.most_at_once = 0
        self._open = 0
        lock = threading.Lock()
        partner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with lock:
                    partner.connections += 1
                    partner._open += 1
                    partner.most_at_once = max(partner.most_at_once, partner._open)

            def finish(self):
                with lock:
                    partner._open -= 1
                super().finish()

            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                partner.header_names.append(list(self.headers.keys()))
                threading.Event().wait(delay)
                self.send_response(202)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/hooks"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


class RawServer:
    """A TCP server that answers every connection with `answer` (None: says nothing) and then closes it, or keeps it open."""

    def __init__(self, answer: bytes | None, close: bool):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/hooks"
        self._kept: list[socket.socket] = []
        threading.Thread(target=self._serve, args=(answer, close), daemon=True).start()

    def _serve(self, answer: bytes | None, close: bool) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            connection.recv(65536)
            if answer:
                connection.sendall(answer)
            if close:
                connection.close()
            else:
                self._kept.append(connection)

    def stop(self) -> None:
        self._socket.close()
        for connection in self._kept:
            connection.close()


@pytest.fixture
def partner():
    server = Partner()
    yield server
    server.stop()


async def test_the_partner_receives_header_names_as_the_chain_writes_them(partner):
    async with httpx.AsyncClient(transport=WebhookTransport(4)) as client:
        response = await client.post(partner.url, content=b"{}", headers={"Content-Type": "application/cloudevents+json", "X-Signature": "v1=ab"})
    assert (response.status_code, response.text) == (202, "ok")
    [names] = partner.header_names
    assert {"Content-Type", "X-Signature", "Host"} <= set(names), names


async def test_deliveries_reuse_kept_connections_and_never_open_more_than_allowed():
    partner = Partner(delay=0.02)
    try:
        async with httpx.AsyncClient(transport=WebhookTransport(3)) as client:
            for _ in range(10):  # one after the other: one connection carries them all
                assert (await client.post(partner.url, content=b"{}")).status_code == 202
            assert partner.connections == 1
            answers = await asyncio.gather(*(client.post(partner.url, content=b"{}") for _ in range(30)))
    finally:
        partner.stop()
    assert [a.status_code for a in answers] == [202] * 30
    assert partner.most_at_once <= 3 and partner.connections <= 3, (partner.most_at_once, partner.connections)


def closed_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return f"http://127.0.0.1:{probe.getsockname()[1]}/hooks"


FAILURES = {
    "nothing listens": (None, httpx.ConnectError),
    "hangs up without answering": ((None, True), httpx.RemoteProtocolError),
    "answers something that is not HTTP": ((b"SSH-2.0-OpenSSH_9.6\r\n", True), httpx.RemoteProtocolError),
    "never answers": ((None, False), httpx.ReadTimeout),
    "breaks off the body": ((b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", True), httpx.ReadError),
}


@pytest.mark.parametrize("server, named", FAILURES.values(), ids=FAILURES.keys())
async def test_each_failure_is_named_as_httpx_names_it(server, named):
    raw = RawServer(*server) if server else None
    try:
        async with httpx.AsyncClient(transport=WebhookTransport(2), timeout=0.5) as client:
            with pytest.raises(httpx.TransportError) as raised:
                await client.post(raw.url if raw else closed_port_url(), content=b"{}")
    finally:
        if raw:
            raw.stop()
    assert type(raised.value) is named, f"{type(raised.value).__name__}: {raised.value}"
