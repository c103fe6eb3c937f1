"""Who is calling: one organisation with one role per request.

Deployments authenticate with OAuth2 client credentials: `Authorization: Bearer <JWT>`
from `POST /oauth/token` (shared.tokens). In the development and test environments the
organisation's key also works directly as `X-API-Key: dev-<organisation id>`, so curl
walkthroughs and tests stay short; outside them that header is refused.

Errors leak nothing: 401 without a valid credential, 403 when the role may not use
the endpoint (said before any data is looked up).
"""

from __future__ import annotations

from typing import Callable

from fastapi import HTTPException, Request, status

from shared.organisations import Organisation, Role
from shared.tokens import InvalidToken

API_KEY_HEADER = "X-API-Key"


def caller(*roles: Role) -> Callable[[Request], Organisation]:
    allowed = frozenset(roles)

    def dependency(request: Request) -> Organisation:
        organisation = _authenticated(request)
        if organisation is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="missing, unknown or expired credentials",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if allowed and organisation.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this role may not use this endpoint")
        request.state.organisation = organisation
        return organisation

    return dependency


def _authenticated(request: Request) -> Organisation | None:
    runtime = request.app.state.runtime
    authorization = request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer ":
        try:
            claims = request.app.state.tokens.verify(authorization[7:].strip(), runtime.clock.now())
        except InvalidToken:
            return None
        organisation = runtime.organisations.get(claims["sub"])
        return organisation if organisation is not None and organisation.role.value == claims["role"] else None
    key = request.headers.get(API_KEY_HEADER)
    if key and runtime.settings.accepts_development_keys:
        return runtime.organisations.by_api_key(key)
    return None
