"""Every webhook request, handshake or delivery, goes to an address checked for it, and only there.

The host is resolved once per request, every address it resolves to is checked
(services.notifications.callback_policy), and the connection goes to the first one:
the URL handed to the connection pool carries that IP, while the Host header and, for
https, the TLS server name (SNI, and the name the certificate must carry) stay the
subscribed name. No second lookup happens between the check and the connection, so a
name that answers first with a public address and then with a private one (DNS
rebinding) cannot slip past. Environment proxies are not used: a proxy would make its
own lookup.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from ipaddress import ip_address
from typing import Awaitable, Callable

import httpx

from services.notifications.callback_policy import CallbackPolicy, IPAddress

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], Awaitable[list[str]]]
DEFAULT_RESOLVE_TIMEOUT_SECONDS = 5.0


class CallbackRefused(httpx.ConnectError):
    """The chain may not connect to this callback. The message says no more than that;
    the service log says why (which address, of what kind)."""

    def __init__(self, request: httpx.Request | None = None):
        super().__init__("callback address not allowed", request=request)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


class PinnedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        policy: CallbackPolicy,
        inner: httpx.AsyncBaseTransport,
        resolver: Resolver = system_resolver,
    ):
        self.policy = policy
        self._inner = inner  # the connections: WebhookTransport, or a stand-in network in tests
        self._resolver = resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.policy.public_addresses_only:  # development and test: where the URL says
            return await self._inner.handle_async_request(request)
        connect_timeout = (request.extensions.get("timeout") or {}).get("connect")
        address = await self.pin(request.url, connect_timeout, request)
        extensions = dict(request.extensions)
        if request.url.scheme == "https":
            extensions["sni_hostname"] = request.url.host
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=str(address)),
            headers=request.headers,  # Host: the subscribed name, set when the request was built
            stream=request.stream,
            extensions=extensions,
        )
        return await self._inner.handle_async_request(pinned)

    async def check(self, url: httpx.URL, timeout: float | None = None) -> None:
        """Refuse `url` as a request to it would be refused, without sending anything."""
        if self.policy.public_addresses_only:
            await self.pin(url, timeout)

    async def pin(self, url: httpx.URL, timeout: float | None = None, request: httpx.Request | None = None) -> IPAddress:
        """The address to connect to for `url`: resolved once, every answer checked. Raises
        CallbackRefused (a refused URL or address) or httpx.ConnectError (no answer)."""
        problem = self.policy.url_problem(str(url))
        if problem is not None:
            log.warning("callback %s refused: URL %s", url.host, problem)
            raise CallbackRefused(request)
        addresses = await self._addresses(url, timeout or DEFAULT_RESOLVE_TIMEOUT_SECONDS, request)
        for address in addresses:
            kind = self.policy.address_problem(address)
            if kind is not None:
                log.warning("callback %s refused: it resolves to %s, a %s address", url.host, address, kind)
                raise CallbackRefused(request)
        return addresses[0]

    async def _addresses(self, url: httpx.URL, timeout: float, request: httpx.Request | None) -> list[IPAddress]:
        try:
            return [ip_address(url.host)]
        except ValueError:
            pass
        try:
            answers = await asyncio.wait_for(self._resolver(url.host, url.port or _default_port(url)), timeout)
        except (OSError, TimeoutError) as exc:  # socket.gaierror is an OSError
            raise httpx.ConnectError(f"could not resolve the callback host ({type(exc).__name__})", request=request) from None
        addresses = [ip_address(answer.split("%", 1)[0]) for answer in answers]  # an IPv6 zone ("%eth0") is no part of it
        if not addresses:
            raise httpx.ConnectError("the callback host has no address", request=request)
        return addresses

    async def aclose(self) -> None:
        await self._inner.aclose()


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
