"""Access tokens from the chain's OpenID Connect provider (Keycloak), verified by every service.

Each service checks a bearer token itself, against the issuer's published keys (JWKS,
fetched and cached by PyJWT's `PyJWKClient`): the signature, the algorithm (RS256 or
ES256 only: never `none`, never an HMAC algorithm, whose "secret" would be the public
key), the issuer, the audience, and the expiry on the service's own clock. The
organisation and role come from the token's claims (`organisation`, `role`), put
there by the provider's mappers; `shared.caller` turns them into a `Caller`.

The JWKS address is discovered from `<issuer>/.well-known/openid-configuration` unless
configured (`SIGNAL_OIDC_JWKS_URL`). PyJWKClient fetches with urllib (blocking), so a
lookup runs in a worker thread; the key set is cached for five minutes and fetched again
at once for a key id it does not know (a rotated key).
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jwt
from jwt import PyJWKClient

from shared.tokens import InvalidToken

ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256"})
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "sub")


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    audience: str
    jwks_url: str | None = None
    leeway: timedelta = timedelta(seconds=30)  # clock skew between the provider and this service


def check_claims(claims: dict, settings: OidcSettings, now: datetime) -> dict:
    """The time checks PyJWT is told to skip, on the service's clock (tests move it)."""
    moment = now.timestamp()
    leeway = settings.leeway.total_seconds()
    if int(claims["exp"]) <= moment - leeway:
        raise InvalidToken("token expired")
    if "nbf" in claims and int(claims["nbf"]) > moment + leeway:
        raise InvalidToken("token not yet valid")
    return claims


@dataclass
class OidcVerifier:
    settings: OidcSettings
    _jwks: PyJWKClient | None = field(default=None, init=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    @property
    def issuer(self) -> str:
        return self.settings.issuer

    async def verify(self, token: str, now: datetime) -> dict:
        """The token's claims, or InvalidToken saying why not (never echoing the token)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from None
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise InvalidToken(f"algorithm {algorithm!r} not allowed")
        jwks = await self._client()
        try:
            key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError as exc:
            raise InvalidToken(f"issuer keys unavailable: {exc}") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"no matching key: {exc}") from None
        if key.algorithm_name != algorithm:
            raise InvalidToken(f"algorithm {algorithm!r} does not match the key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from None
        return check_claims(claims, self.settings, now)

    async def _client(self) -> PyJWKClient:
        if self._jwks is None:
            async with self._lock:
                if self._jwks is None:
                    url = self.settings.jwks_url or await asyncio.to_thread(discover_jwks_url, self.settings.issuer)
                    self._jwks = PyJWKClient(url, cache_jwk_set=True, lifespan=300, timeout=5, cooldown_duration=5)
        return self._jwks


def discover_jwks_url(issuer: str, timeout: float = 5) -> str:
    """`jwks_uri` from the issuer's discovery document, which must name the same issuer."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http(s) issuer URL from settings
            document = json.load(response)
    except (OSError, ValueError) as exc:
        raise InvalidToken(f"issuer discovery failed: {type(exc).__name__}") from None
    if document.get("issuer") != issuer:
        raise InvalidToken("discovery document names another issuer")
    return str(document["jwks_uri"])
