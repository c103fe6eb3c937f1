"""How partners' systems reach the chain in the check: a client-credentials token from
Keycloak per organisation (kept until shortly before it expires), and requests spread
over a service's two instances as a load balancer would, going to the other instance
when one does not answer (it may just have been killed)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import httpx

REFRESH_MARGIN_SECONDS = 60


class Tokens:
    """Access tokens from Keycloak by client credentials, one per client id, cached."""

    def __init__(self, issuer: str, secrets: dict[str, str]):
        self._endpoint = f"{issuer}/protocol/openid-connect/token"
        self._secrets = secrets
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def bearer(self, client_id: str, *, fresh: bool = False) -> dict[str, str]:
        with self._lock:
            token, until = self._cache.get(client_id, ("", 0.0))
            if fresh or time.monotonic() > until:
                token, until = self._fetch(client_id)
                self._cache[client_id] = (token, until)
        return {"Authorization": f"Bearer {token}"}

    def _fetch(self, client_id: str) -> tuple[str, float]:
        answer = httpx.post(
            self._endpoint,
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": self._secrets[client_id]},
            timeout=30,
        )
        if answer.status_code != 200:
            raise RuntimeError(f"Keycloak refused the client credentials of {client_id}: {answer.status_code} {answer.text[:200]}")
        body = answer.json()
        return body["access_token"], time.monotonic() + body["expires_in"] - REFRESH_MARGIN_SECONDS


class Partner:
    """One organisation's system talking to one service's instances."""

    def __init__(self, tokens: Tokens, client_id: str, urls: list[str], timeout: float = 15.0):
        self.client_id = client_id
        self._tokens = tokens
        self._urls = urls
        self._next = itertools.count()
        self._http = httpx.Client(timeout=timeout)
        self.failovers: Counter = Counter()  # connection failures that sent a request on to the other instance
        self._lock = threading.Lock()

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Round robin over the instances; on a connection failure the next one; a 401 (an
        expired token) once more with a fresh token."""
        extra = kwargs.pop("headers", {})
        start = next(self._next)
        problem: Exception | None = None
        for offset in range(len(self._urls)):
            url = self._urls[(start + offset) % len(self._urls)] + path
            try:
                answer = self._http.request(method, url, headers={**extra, **self._tokens.bearer(self.client_id)}, **kwargs)
                if answer.status_code == 401:
                    fresh = self._tokens.bearer(self.client_id, fresh=True)
                    answer = self._http.request(method, url, headers={**extra, **fresh}, **kwargs)
                return answer
            except httpx.TransportError as exc:
                problem = exc
                with self._lock:
                    self.failovers[type(exc).__name__] += 1
        raise problem  # every instance down

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self._http.close()
