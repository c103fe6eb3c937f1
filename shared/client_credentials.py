"""Access tokens for one of the chain's own systems, from the OpenID Connect provider by
OAuth2 client credentials (RFC 6749 4.4): triage's register client asks for one before it
calls the population register.

A token is kept until `refresh_margin` before it expires (`expires_in` of the answer) and
shared by every request meanwhile; concurrent requests that find no valid token wait for
one fetch, not one each. `invalidate()` forgets a token the resource server refused (a 401:
revoked, or the provider's keys rotated), so the next request fetches a fresh one.

The client authenticates with HTTP Basic (`client_secret_basic`, Keycloak's default). A
provider that is away or answers 5xx is a transient failure (`TokenUnavailable`, which the
caller holds its work for); one that refuses the credentials (4xx) is a configuration
error (`TokenRefused`), said without the secret.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from shared.faults import Dependency, TransientFailure


class TokenUnavailable(TransientFailure):
    """The provider did not answer, or answered 5xx: it can pass."""

    def __init__(self, reason: str, dependency: Dependency = Dependency.NETWORK):
        super().__init__(f"no access token from the identity provider: {reason}")
        self.dependency = dependency


class TokenRefused(Exception):
    """The provider refused the client's credentials (wrong id or secret, grant not allowed)."""


@dataclass(frozen=True)
class ClientCredentials:
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None = None


class ClientCredentialsTokens:
    """One cached access token of one client."""

    def __init__(
        self,
        credentials: ClientCredentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        dependency: Dependency = Dependency.NETWORK,
    ):
        self._credentials = credentials
        self._transport, self._timeout = transport, timeout
        self._margin = refresh_margin
        self._clock = clock
        self._dependency = dependency
        self._token: str | None = None
        self._until = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0  # how many tokens were fetched (metrics, tests)

    async def token(self) -> str:
        """A token valid for at least `refresh_margin` more seconds (or half its life, if shorter)."""
        if self._token is not None and self._clock() < self._until:
            return self._token
        async with self._lock:
            if self._token is None or self._clock() >= self._until:
                self._token, self._until = await self._fetch()
        return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (the resource server refused it); a newer one is kept."""
        if self._token == token:
            self._token, self._until = None, 0.0

    async def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self._credentials.scope:
            form["scope"] = self._credentials.scope
        asked = self._clock()
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as http:  # a fetch is rare
                answer = await http.post(
                    self._credentials.token_url,
                    data=form,
                    auth=(self._credentials.client_id, self._credentials.client_secret),
                    headers={"Accept": "application/json"},
                )
        except httpx.HTTPError as error:
            raise TokenUnavailable(type(error).__name__, self._dependency) from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise TokenUnavailable(f"HTTP {answer.status_code}", self._dependency)
        if answer.status_code != 200:
            raise TokenRefused(
                f"the identity provider refused the client credentials of {self._credentials.client_id!r}: "
                f"HTTP {answer.status_code} {_error_code(answer)}"
            )
        return self._read(answer, asked)

    def _read(self, answer: httpx.Response, asked: float) -> tuple[str, float]:
        try:
            body = answer.json()
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 60))
        except (ValueError, KeyError, TypeError):
            raise TokenUnavailable("token answer without access_token", self._dependency) from None
        self.fetches += 1
        margin = min(self._margin, lifetime / 2)
        return token, asked + lifetime - margin


def _error_code(answer: httpx.Response) -> str:
    """The OAuth2 `error` code of a refusal (never its description, which may echo input)."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    code = body.get("error") if isinstance(body, dict) else None
    return str(code)[:64] if isinstance(code, str) else ""
