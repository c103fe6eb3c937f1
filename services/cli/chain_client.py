"""HTTP to a chain service as one organisation: an OAuth2 client-credentials token from the
identity provider's token endpoint (`token_url`, e.g. Keycloak's), or in development and
test from the service's own POST /oauth/token (shared.tokens); then bearer requests.

Every problem that means "this run cannot go on" (no connection, refused credentials,
a role that may not use the endpoint, a server error) becomes `Unreachable`, which the
commands turn into exit code 2.

A 503 (the service's database away) is waited out: the request is sent again after
the service's `Retry-After`, for up to about two minutes, before the run stops.

Safe default: the client secret travels only over https, or over plain http to this
machine (loopback). Plain http elsewhere is allowed only where SIGNAL_ENVIRONMENT says
development or test; unset means production, as for the services.
"""

from __future__ import annotations

import ipaddress
import os
import time
from typing import Any, Self

import httpx

TIMEOUT = httpx.Timeout(120.0, connect=10.0)  # a batch of 1000 rows is one transaction on the server
UNAVAILABLE_WAIT_SECONDS = 120.0  # how long 503s (with Retry-After) are waited out


class Unreachable(Exception):
    """The service could not be reached or refused us; the message says which and why."""


class ChainClient:
    def __init__(
        self,
        base_url: str,
        organisation: str | None = None,
        secret: str | None = None,
        token_url: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ):
        self._base_url = base_url.rstrip("/")
        self._token_url = token_url or "/oauth/token"
        self._organisation = organisation
        self._secret = secret
        self._http = httpx.Client(base_url=self._base_url, timeout=TIMEOUT, transport=transport)
        self._token: str | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self._http.close()

    def authenticate(self) -> None:
        """Fetch a bearer token now, so bad credentials stop a run before any row is sent."""
        token_target = str(httpx.URL(self._base_url).join(self._token_url))  # the secret goes here
        refusal = plain_text_refusal(token_target, os.environ.get("SIGNAL_ENVIRONMENT", "production"))
        if refusal:
            raise Unreachable(refusal)
        answer = self._send("POST", self._token_url, data={
            "grant_type": "client_credentials",
            "client_id": self._organisation or "",
            "client_secret": self._secret or "",
        })
        if answer.status_code in (400, 401):
            raise Unreachable(f"{self._base_url} refused the credentials of {self._organisation!r} ({_error(answer)})")
        _raise_for_status(answer, self._base_url)
        self._token = answer.json()["access_token"]

    def post_json(self, path: str, body: Any) -> httpx.Response:
        return self._authorised("POST", path, json=body)

    def get(self, path: str, params: dict[str, Any], *, anonymous: bool = False) -> httpx.Response:
        if anonymous:
            answer = self._send("GET", path, params=params)
            _raise_for_status(answer, self._base_url)
            return answer
        return self._authorised("GET", path, params=params)

    def _authorised(self, method: str, path: str, **kwargs) -> httpx.Response:
        if self._token is None:
            self.authenticate()
        answer = self._send(method, path, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        if answer.status_code == 401:  # tokens live 15 minutes; a long run outlives one
            self.authenticate()
            answer = self._send(method, path, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        _raise_for_status(answer, self._base_url)
        return answer

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        deadline = time.monotonic() + UNAVAILABLE_WAIT_SECONDS
        while True:
            try:
                answer = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as error:
                raise Unreachable(f"cannot reach {self._base_url}: {type(error).__name__}: {error}") from None
            wait = _retry_after(answer)
            if wait is None or time.monotonic() + wait > deadline:
                return answer
            time.sleep(wait)


def _retry_after(answer: httpx.Response) -> float | None:
    """Seconds to wait before sending again: a 503 with a numeric Retry-After, else None."""
    if answer.status_code != 503:
        return None
    try:
        return min(max(float(answer.headers.get("Retry-After", "")), 0.0), 30.0)
    except ValueError:
        return None


def plain_text_refusal(base_url: str, environment: str) -> str | None:
    """Why the secret may not be sent to `base_url`, or None when it may."""
    url = httpx.URL(base_url)
    if url.scheme == "https" or environment in ("development", "test") or _is_loopback(url.host):
        return None
    return (
        f"refusing to send the client secret over plain {url.scheme} to {url.host}: use https "
        "(plain http only to this machine, or with SIGNAL_ENVIRONMENT=development or test)"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _raise_for_status(answer: httpx.Response, base_url: str) -> None:
    if answer.is_success:
        return
    path = answer.request.url.path
    if answer.status_code == 401:
        raise Unreachable(f"{base_url} refused the credentials for {path} ({_error(answer)})")
    if answer.status_code == 403:
        raise Unreachable(f"this organisation may not use {path}: {_error(answer)}")
    raise Unreachable(f"{base_url}{path} answered {answer.status_code}: {_error(answer)}")


def _error(answer: httpx.Response) -> str:
    """The reason the service gave (its JSON `detail` or OAuth `error`), else the status line."""
    try:
        body = answer.json()
    except ValueError:
        return answer.reason_phrase or str(answer.status_code)
    if isinstance(body, dict):
        invalid = body.get("invalid-params")
        if isinstance(invalid, list):  # a 400 (or 409/422) problem: name the fields, as the service did
            return "; ".join(f"{item.get('name')}: {item.get('reason')}" for item in invalid[:5] if isinstance(item, dict))
        detail = body.get("detail", body.get("error"))
        if isinstance(detail, list):
            return "; ".join(f"{'.'.join(str(p) for p in item.get('loc', []))}: {item.get('msg')}" for item in detail[:5])
        if detail is not None:
            return str(detail)
    return str(body)[:200]
