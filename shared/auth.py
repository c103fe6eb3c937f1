"""Who is calling: one organisation with one role per request (API key, header X-API-Key).

Issue #5 replaces the key with OAuth2 client credentials; the dependency's
shape (`caller(roles) -> Organisation`) stays.
"""

from __future__ import annotations

from typing import Callable

from fastapi import HTTPException, Request, status

from shared.organisations import Organisation, Role

API_KEY_HEADER = "X-API-Key"


def caller(*roles: Role) -> Callable[[Request], Organisation]:
    allowed = frozenset(roles)

    def dependency(request: Request) -> Organisation:
        key = request.headers.get(API_KEY_HEADER)
        organisation = request.app.state.organisations.by_api_key(key) if key else None
        if organisation is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail=f"missing or unknown {API_KEY_HEADER}",
                headers={"WWW-Authenticate": "ApiKey"},
            )
        if allowed and organisation.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this role may not use this endpoint")
        return organisation

    return dependency
