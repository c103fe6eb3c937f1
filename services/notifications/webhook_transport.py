"""The connections under every webhook request: aiohttp's pool behind httpx's API (docs/adr/0048).

httpx's own pool (httpcore) checks every idle connection's socket each time it hands one
out and each time one comes back; with twenty deliveries in flight to one subscriber that
bookkeeping was the largest part of the notifications service's CPU. Everything above the
connection stays httpx: the client, the address check (services.notifications.pinned_transport),
the delivery trace, and the errors a failed delivery is recorded, retried and dead-lettered with.

What this transport keeps as httpx's own transport does, and `httpx_aiohttp` (which triage's
register client uses, docs/adr/0045) does not:
- the request's header names as written (`Content-Type`, `X-Signature`): names are
  case-insensitive in HTTP, but a partner's endpoint that reads them case-sensitively kept
  working before and keeps working now;
- each failure's name, which an operator reads in the delivery log and the dead letter: a
  refused connection is `ConnectError`, a server that hangs up `RemoteProtocolError`, an
  answer that is not HTTP `RemoteProtocolError`, no answer in time `ReadTimeout`.

https: the pinned request's `sni_hostname` (the subscribed name) becomes aiohttp's
`server_hostname`, the name sent in SNI and checked in the certificate, while the connection
goes to the checked address in the URL. Certificates are checked as httpx checks them (the
system's, or `SSL_CERT_FILE`). Environment proxies are not used.
"""

from __future__ import annotations

import ssl
from typing import AsyncIterator

import aiohttp
import httpx

# The first entry the aiohttp error is an instance of names it; the more specific come first.
_AS_HTTPX: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, no route, TLS handshake or certificate
    (aiohttp.ServerFingerprintMismatch, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # not HTTP, or malformed HTTP
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientOSError, httpx.ReadError),  # reset while writing or reading
    (aiohttp.ClientConnectionError, httpx.NetworkError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientError, httpx.TransportError),
    (TimeoutError, httpx.TimeoutException),
)
_FAILURES = (aiohttp.ClientError, TimeoutError)
_DISCONNECTED = "Server disconnected without sending a response."  # httpx's words for it


def as_httpx_error(error: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error httpx's own transport raises for what aiohttp raised."""
    for aiohttp_error, httpx_error in _AS_HTTPX:
        if isinstance(error, aiohttp_error):
            message = _DISCONNECTED if isinstance(error, aiohttp.ServerDisconnectedError) else str(error) or type(error).__name__
            return httpx_error(message, request=request)
    raise TypeError(f"not a transport failure: {error!r}")


class _Body(httpx.AsyncByteStream):
    """An answer's body, read from aiohttp; failures carry httpx's names; closing frees the connection."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request):
        self._response, self._request = response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except _FAILURES as error:
            raise as_httpx_error(error, self._request) from error

    async def aclose(self) -> None:
        self._response.release()


class WebhookTransport(httpx.AsyncBaseTransport):
    """Up to `connections` connections in all, each kept alive between deliveries."""

    def __init__(self, connections: int, verify: ssl.SSLContext | bool = True):
        self._connections = connections
        self._tls = httpx.create_ssl_context(verify=verify)
        self._session: aiohttp.ClientSession | None = None

    def _pool(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use, inside the running event loop
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=self._tls)
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=False, trust_env=False)
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout") or {}
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        try:
            response = await self._pool().request(
                request.method,
                str(request.url),
                headers=headers,
                data=await request.aread() or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    connect=timeout.get("pool"), sock_connect=timeout.get("connect"), sock_read=timeout.get("read")
                ),
                server_hostname=request.extensions.get("sni_hostname"),
            )
        except _FAILURES as error:
            raise as_httpx_error(error, request) from error
        extensions = {"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()}
        return httpx.Response(
            response.status, headers=response.raw_headers, stream=_Body(response, request), request=request, extensions=extensions
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
