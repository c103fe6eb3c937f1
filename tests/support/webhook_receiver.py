"""A real HTTP server that plays a partner's webhook endpoint in tests.

It verifies signatures with the helper partners get (shared.webhooks), can be
told to be "down" (answer 503) for a while, and records every request.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shared.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, InvalidSignature, ReplayGuard, verification_answer, verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    first_time: bool
    at: float = 0.0  # time.monotonic() on arrival

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 refuses connections when many deliveries arrive at once
    daemon_threads = True


class WebhookReceiver:
    def __init__(self):
        self.received: list[Received] = []
        self.secrets: dict[str, str] = {}  # path -> subscription secret
        self.down = False
        self._guard = ReplayGuard()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a partner's web server would

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.down:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                answer = verification_answer(body)
                if answer is not None:  # the subscription handshake: echo the challenge
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                secret = receiver.secrets.get(self.path)
                try:
                    verify(secret or "", self.headers.get(SIGNATURE_HEADER), body)
                    verified = secret is not None
                except InvalidSignature:
                    verified = False
                with receiver._lock:
                    first = verified and receiver._guard.first_time(self.path + " " + self.headers.get(IDEMPOTENCY_HEADER, ""))
                    receiver.received.append(Received(self.path, dict(self.headers), body, verified, first, time.monotonic()))
                self.send_response(204 if verified else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events(self, path: str, event_type: str | None = None) -> list[dict]:
        """Events verified and acted on (first time) at `path`."""
        with self._lock:
            found = [r.event for r in self.received if r.path == path and r.verified and r.first_time]
        return [e for e in found if event_type is None or e["type"] == event_type]
