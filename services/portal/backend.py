"""Calls to the services, server-side, as the logged-in organisation.

One place turns the services' answers into what a page needs: the JSON body, or
an error the page can show. A 401 means the token expired or was refused: the
page sends the user back to the login. Connection failures and 5xx answers are
`Unavailable`, so a page can say which service did not answer instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

import httpx

from shared.tracing import trace_fields
from services.portal.metrics import PortalMetrics
from services.portal.settings import PortalSettings


class BackendError(Exception):
    def __init__(self, service: str, status: int, detail: Any = None):
        super().__init__(f"{service} answered {status}")
        self.service = service
        self.status = status
        self.detail = detail


class SessionExpired(BackendError):
    """401: the token is no longer valid; log in again."""


class Rejected(BackendError):
    """4xx other than 401: the request was refused; `detail` says why (field names included)."""


class Unavailable(BackendError):
    """The service did not answer, or answered 5xx."""


@dataclass(frozen=True)
class Grant:
    access_token: str
    expires_in: int


class Backend:
    def __init__(self, settings: PortalSettings, client: httpx.AsyncClient, metrics: PortalMetrics | None = None):
        self._urls = {name: url.rstrip("/") for name, url in settings.service_urls().items()}
        self._token_endpoint = settings.token_endpoint
        self._client = client
        self._metrics = metrics or PortalMetrics()

    async def token(self, client_id: str, secret: str) -> Grant | None:
        """OAuth2 client credentials; None when the organisation or its secret is wrong."""
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        try:
            response = await self._client.post(self._token_endpoint, data=form)
        except httpx.HTTPError as exc:
            raise Unavailable("token", 503, str(exc)) from None
        if response.status_code in (400, 401):
            return None
        if response.status_code != 200:
            raise Unavailable("token", response.status_code)
        body = response.json()
        return Grant(access_token=body["access_token"], expires_in=int(body.get("expires_in", 900)))

    async def get(self, service: str, path: str, token: str, params: Mapping[str, Any] | None = None) -> Any:
        return (await self._call("GET", service, path, token, params=params)).json()

    async def post(
        self, service: str, path: str, token: str, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        return (await self._call("POST", service, path, token, json=json, headers=headers)).json()

    async def patch(self, service: str, path: str, token: str, json: Any = None) -> Any:
        return (await self._call("PATCH", service, path, token, json=json)).json()

    async def download(
        self, service: str, path: str, token: str, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """The raw answer (a CSV file), for the page to pass on."""
        return await self._call("GET", service, path, token, params=params)

    async def _call(
        self, method: str, service: str, path: str, token: str, *, headers: Mapping[str, str] | None = None, **kwargs
    ) -> httpx.Response:
        url = self._urls[service] + path
        try:
            response = await self._client.request(
                method,
                url,
                # the page's trace context goes along, so the services' audit rows carry its id
                headers={"Authorization": f"Bearer {token}", **trace_fields(), **(headers or {})},
                **kwargs,
            )
        except httpx.HTTPError as exc:
            self._metrics.backend_call(service, method, None)
            raise Unavailable(service, 503, type(exc).__name__) from None
        self._metrics.backend_call(service, method, response.status_code)
        if response.status_code < 400:
            return response
        detail = _detail(response)
        if response.status_code == 401:
            raise SessionExpired(service, 401, detail)
        if response.status_code >= 500:
            raise Unavailable(service, response.status_code, detail)
        raise Rejected(service, response.status_code, detail)


def _detail(response: httpx.Response) -> Any:
    """A problem's `detail`, or for invalid input (400, some 409/422) its `invalid-params`
    as `{loc, msg}` entries, which name the fields (docs/adr/0026)."""
    try:
        body = response.json()
        invalid = body.get("invalid-params")
    except (ValueError, AttributeError):
        return None
    if isinstance(invalid, list):
        return [{"loc": item.get("loc", []), "msg": item.get("reason")} for item in invalid if isinstance(item, dict)]
    return body.get("detail")
