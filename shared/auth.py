"""Who is calling: one organisation with one role per request, and the person or system
acting for it (`shared.caller.Caller`), from one dependency: `caller(*roles)`.

Bearer tokens are checked by the service itself. Production accepts only tokens of the
chain's OpenID Connect provider (`shared.oidc`, `SIGNAL_OIDC_ISSUER`). The development
and test environments also accept the development issuer's HS256 tokens
(`shared.tokens`, `POST /oauth/token`) and the organisation's key as
`X-API-Key: dev-<organisation id>`, so `make up`, curl walkthroughs and tests stay
short; outside them that header and that issuer are refused.

A token goes to the verifier of the issuer it names; each verifier checks everything
(signature, algorithm, issuer, audience, expiry) itself, so naming another issuer gains
nothing. Errors leak nothing: 401 without a valid credential, 403 when the role may not
use the endpoint (said before any data is looked up).
"""

from __future__ import annotations

from typing import Awaitable, Callable, Protocol

import jwt
from fastapi import HTTPException, Request, status

from shared.caller import Caller, caller_from_claims, system_caller
from shared.organisations import Role
from shared.tokens import InvalidToken

API_KEY_HEADER = "X-API-Key"


class Verifier(Protocol):
    issuer: str

    async def verify(self, token: str, now) -> dict: ...


def caller(*roles: Role) -> Callable[[Request], Awaitable[Caller]]:
    allowed = frozenset(roles)

    async def dependency(request: Request) -> Caller:
        found = await authenticated(request)
        if found is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="missing, unknown or expired credentials",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if allowed and found.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this role may not use this endpoint")
        request.state.caller = found
        request.state.organisation = found.organisation
        return found

    return dependency


async def authenticated(request: Request) -> Caller | None:
    runtime = request.app.state.runtime
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer ":
        claims = await verified_claims(request.app.state.verifiers, authorization[7:].strip(), runtime.clock.now())
        return caller_from_claims(claims, runtime.organisations) if claims is not None else None
    key = request.headers.get(API_KEY_HEADER)
    if key and runtime.settings.accepts_development_keys:
        organisation = runtime.organisations.by_api_key(key)
        return system_caller(organisation) if organisation is not None else None
    return None


async def verified_claims(verifiers: dict[str, Verifier], token: str, now) -> dict | None:
    """Claims of a token one of this service's issuers signed, else None."""
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    verifier = verifiers.get(issuer) if isinstance(issuer, str) else None
    if verifier is None:
        return None
    try:
        return await verifier.verify(token, now)
    except InvalidToken:
        return None
