"""The webhook receiver of tests/support/webhook_receiver.py over https, as a partner's
endpoint must be in production (services/notifications/callback_policy.py).

The TLS handshake runs in the request's own thread, so a slow or broken client never
holds up the server's accept loop."""

from __future__ import annotations

import ssl
import threading

from tests.support.webhook_receiver import WebhookReceiver, _Server

HANDSHAKE_TIMEOUT_SECONDS = 10.0


class _TlsServer(_Server):
    def __init__(self, address, handler, context: ssl.SSLContext):
        self._context = context
        super().__init__(address, handler)

    def get_request(self):
        sock, address = self.socket.accept()
        return self._context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def finish_request(self, request, client_address):
        try:
            request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
            request.do_handshake()
            request.settimeout(None)
        except (ssl.SSLError, OSError):
            return  # a client that does not trust us, or gave up: nothing to serve
        super().finish_request(request, client_address)


class TlsWebhookReceiver(WebhookReceiver):
    def __init__(self, context: ssl.SSLContext, *, delay: float = 0.0):
        super().__init__(delay=delay)
        self._server.server_close()  # the plain listener the base class opened: replaced
        self._server = _TlsServer(("127.0.0.1", 0), self._handler(), context)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address
        return f"https://{host}:{port}"
