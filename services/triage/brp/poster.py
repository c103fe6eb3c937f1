"""How triage's register clients send a query: POST JSON, read the JSON answer, retry what
may pass (see the failure policy in services/triage/brp/client.py), and authenticate
with an API key or with the register client's access token
(shared.client_credentials): a 401 to a token forgets it and tries again with a fresh one."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
from httpx_aiohttp import AiohttpTransport

from shared.client_credentials import ClientCredentialsTokens, TokenRefused, TokenUnavailable
from shared.direct_http import DirectClient
from shared.faults import Dependency, TransientFailure
from services.triage.brp.protocol import Protocol

log = logging.getLogger("services.triage.brp.client")

_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Connections kept open to the register, all of them kept alive. httpx's default pool (100,
# 20 kept alive) checks every idle connection's socket each time it hands one out and each
# time one comes back: with a signal batch's lookups in flight (shared.runtime's
# PREPARE_CONCURRENCY) that bookkeeping cost more CPU than the requests. Eight connections
# carry a batch's lookups (the register answers in a millisecond or two) with a fraction of
# it (docs/adr/0033).
CONNECTIONS = 8


class RegisterError(Exception):
    """The register gave no usable answer."""


class RegisterUnavailable(RegisterError, TransientFailure):
    """No usable answer after every attempt (down, timing out, failing with 5xx): it can pass."""

    dependency = Dependency.REGISTER

    def __init__(self, operation: str, attempts: int, last_failure: str):
        super().__init__(f"register {operation}: no answer after {attempts} attempt(s), last: {last_failure}")
        self.operation, self.attempts, self.last_failure = operation, attempts, last_failure


class RegisterRequestRejected(RegisterError):
    """The register refused the request (4xx); `problem` is its problem+json body."""

    def __init__(self, status: int, problem: dict):
        self.status = status
        self.problem = problem
        self.code: str | None = problem.get("code")
        self.title: str | None = problem.get("title")
        self.detail: str | None = problem.get("detail")
        self.invalid_params: list[dict] = [p for p in problem.get("invalidParams", []) if isinstance(p, dict)]
        names = ", ".join(str(p.get("name")) for p in self.invalid_params) or "-"
        super().__init__(f"register rejected the request: {status} {self.code or ''} (parameters: {names})")


class JsonPoster:
    """POSTs a JSON query and returns the JSON answer, retrying what may pass.

    Shared by the Personen and Bewoning clients, which differ only in path and body.
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        timeout: float,
        attempts: int,
        backoff: float,
        transport: httpx.AsyncBaseTransport | None,
        protocol: Protocol | None = None,
        tokens: ClientCredentialsTokens | None = None,
    ):
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        if api_key and tokens is not None:
            raise ValueError("an API key or access tokens, not both")
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        if api_key:
            headers["X-API-KEY"] = api_key
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        # aiohttp's connections: a third of httpcore's CPU per request (docs/adr/0045); and not
        # through httpx's client, whose layers cost more than the request (docs/adr/0051)
        self._http = DirectClient(transport or AiohttpTransport(limits=limits), timeout, headers)
        self._attempts, self._backoff = attempts, backoff
        self._protocol = protocol
        self._tokens = tokens

    async def post(self, url: str, body: dict, operation: str) -> dict:
        payload = json.dumps(body).encode()
        for attempt in range(1, self._attempts + 1):
            outcome = await self._try(url, payload, operation)
            if isinstance(outcome, dict):
                return outcome
            log.warning("register %s attempt %d/%d failed: %s", operation, attempt, self._attempts, outcome)
            if attempt < self._attempts:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise RegisterUnavailable(operation, self._attempts, outcome)

    async def _try(self, url: str, payload: bytes, operation: str) -> dict | str:
        """The answer, or a short description of a failure worth retrying."""
        headers = self._protocol.headers() if self._protocol is not None else {}
        try:
            token = await self._tokens.token() if self._tokens is not None else None
        except (TokenUnavailable, TokenRefused) as error:
            return f"token: {error}"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.post(url, content=payload, headers=headers)
        except _RETRYABLE_ERRORS as error:
            return type(error).__name__
        except httpx.HTTPError as error:  # bad URL, unsupported scheme: retrying will not help
            raise RegisterUnavailable(operation, 1, type(error).__name__) from None
        status = response.status_code
        if status == 401 and token is not None:
            self._tokens.invalidate(token)
            return "HTTP 401: access token refused"
        if status >= 500 or status == 429:
            return f"HTTP {status}"
        if 400 <= status < 500:
            raise RegisterRequestRejected(status, _problem(response))
        if status != 200:
            raise RegisterUnavailable(operation, 1, f"unexpected HTTP {status}")
        try:
            answer = response.json()
        except ValueError:
            return "response is not JSON"
        return answer if isinstance(answer, dict) else "response is not a JSON object"

    async def aclose(self) -> None:
        await self._http.aclose()


def _problem(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {"status": response.status_code}
