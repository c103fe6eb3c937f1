"""A zaaksysteem's notification endpoint, written from the ZGW Notificaties API 1.0
consumer OpenAPI (docs/standards/notificaties-api-1.0/consumer-openapi.yaml), not from
the chain's code: a real HTTP server that takes `POST /{webhooks_path}` with a
`Notificatie` and answers as the document says:

- 401 (`Fout`, application/problem+json) unless the `Authorization` header is the value
  the zaaksysteem gave as `auth` when it subscribed;
- 400 (`ValidatieFout`) when the body is not a `Notificatie`: the operation's request
  schema, checked with jsonschema including the `uri` and `date-time` formats;
- 204 otherwise.

`down` makes it answer 503 to everything (the zaaksysteem is away). It records every
request; `received` holds the notificaties it accepted.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.zgw_standard import notificatie_errors


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int
    errors: list[str]

    @property
    def notificatie(self) -> dict:
        return json.loads(self.body)


class ZgwSubscriber:
    def __init__(self, auth: str):
        self.auth = auth
        self.down = False
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str = "/api/v1/notificaties") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def _handler(self):
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer, errors = subscriber.answer(dict(self.headers), body)
                with subscriber._lock:
                    subscriber.requests.append(Request(self.path, dict(self.headers), body, status, errors))
                self.send_response(status)
                if answer:
                    self.send_header("Content-Type", "application/problem+json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                return

        return Handler

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes, list[str]]:
        if self.down:
            return 503, b"", []
        if headers.get("Authorization") != self.auth:
            return 401, _fout(401, "not_authenticated", "Authorization header missing or wrong"), []
        try:
            errors = notificatie_errors(json.loads(body))
        except ValueError:
            errors = ["(body): not JSON"]
        if errors:
            invalid = [{"name": error.split(":", 1)[0], "code": "invalid", "reason": error} for error in errors]
            return 400, _fout(400, "invalid", "not a Notificatie", **{"invalid-params": invalid}), errors
        return 204, b"", []

    @property
    def received(self) -> list[Request]:
        """Notificaties accepted (204), the subscription's test notificatie included."""
        with self._lock:
            return [r for r in self.requests if r.answered == 204]

    def notificaties(self, kanaal: str) -> list[dict]:
        return [r.notificatie for r in self.received if r.notificatie["kanaal"] == kanaal]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _fout(status: int, code: str, detail: str, **extra) -> bytes:
    body = {"type": "about:blank", "code": code, "title": detail, "status": status, "detail": detail, "instance": "urn:fout", **extra}
    return json.dumps(body).encode()
