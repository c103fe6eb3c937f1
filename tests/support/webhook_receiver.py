"""A real HTTP server that plays a partner's webhook endpoint in tests.

It verifies signatures with the helper partners get (shared.webhooks) and acts
once per CloudEvent id taken from the signed body (one event, or each of a batch's),
as services/notifications/README.md tells partners to. It can be told to be "down" (answer 503) for a while or to
be slow (`delay` seconds per delivery), and records every request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shared.webhooks import SIGNATURE_HEADER, InvalidSignature, ReplayGuard, verification_answer, verified_events


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    fresh: tuple[str, ...]  # ids of the CloudEvents in it acted on here for the first time
    at: float = 0.0  # time.monotonic() on arrival

    @property
    def first_time(self) -> bool:
        return bool(self.fresh)

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    @property
    def events(self) -> list[dict]:
        """Its CloudEvents: the one of a single delivery, or those of a batch."""
        document = json.loads(self.body)
        return document if isinstance(document, list) else [document]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 refuses connections when many deliveries arrive at once
    daemon_threads = True


class WebhookReceiver:
    def __init__(self, *, delay: float = 0.0):
        self.received: list[Received] = []
        self.secrets: dict[str, str] = {}  # path -> subscription secret
        self.down = False
        self.delay = delay  # seconds a delivery takes to answer: a slow partner
        self._guard = ReplayGuard()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a partner's web server would

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.down:
                    return self._answer(503)
                answer = verification_answer(body)
                if answer is not None:  # the subscription handshake: echo the challenge
                    return self._answer(200, answer)
                arrived = time.monotonic()
                verified, fresh = receiver.accept(self.path, self.headers.get(SIGNATURE_HEADER), body)
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body, verified, fresh, arrived))
                if receiver.delay:
                    time.sleep(receiver.delay)
                self._answer(204 if verified else 401)

            def _answer(self, status: int, body: bytes = b"") -> None:
                self.send_response(status)
                if body:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                return

        return Handler

    def accept(self, path: str, signature: str | None, body: bytes) -> tuple[bool, tuple[str, ...]]:
        """(verified, ids acted on for the first time): deduplicated on the signed body's CloudEvent ids, per endpoint."""
        secret = self.secrets.get(path)
        try:
            events = verified_events(secret or "", signature, body)
        except InvalidSignature:
            return False, ()
        if secret is None:
            return False, ()
        with self._lock:
            return True, tuple(e["id"] for e in events if self._guard.first_time(f"{path} {e['id']}"))

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
            found = [e for r in self.received if r.path == path and r.verified for e in r.events if e["id"] in r.fresh]
        return [e for e in found if event_type is None or e["type"] == event_type]

    def sends_per_event(self, path: str) -> Counter:
        """How often each CloudEvent id arrived at `path`, acted on or not: more than 1 is a repeat."""
        with self._lock:
            return Counter(e["id"] for r in self.received if r.path == path and r.verified for e in r.events)
