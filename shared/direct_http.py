"""A POST sent straight to an httpx transport, without httpx's client (docs/adr/0051).

A service that sends one kind of request many times (triage's register queries, the
webhook deliveries) needs none of `httpx.AsyncClient`'s layers: no base URL, cookies, auth
flows or redirects. Those layers cost more CPU than the request itself over aiohttp's
connections, so `DirectClient` builds the `httpx.Request` (its URL parsed once, the timeout
as the request's `timeout` extension, as the client would set it), hands it to the
transport, reads the whole answer and gives the connection back. The seam stays an httpx
transport: tests script failures with `httpx.MockTransport` or real servers behind one,
and failures are httpx's exceptions, raised by the transport.
"""

from __future__ import annotations

from typing import Mapping

import httpx


class DirectClient:
    def __init__(self, transport: httpx.AsyncBaseTransport, timeout: float, headers: Mapping[str, str] | None = None):
        self._transport = transport
        self._timeout = httpx.Timeout(timeout).as_dict()
        self._headers = dict(headers or {})
        self._urls: dict[str, httpx.URL] = {}  # parsed once: a client posts to few URLs, again and again

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """POST `content` and read the whole answer (redirects are answers, not followed)."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= 1000:  # many webhook URLs: keep the cache bounded
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        request = httpx.Request(
            "POST", parsed, content=content, headers={**self._headers, **(headers or {})}, extensions={"timeout": self._timeout}
        )
        response = await self._transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
