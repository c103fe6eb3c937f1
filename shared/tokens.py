"""The development token issuer: OAuth2 client credentials with HS256 JWTs (PyJWT).

Development and test only (it keeps `make up` free of an identity provider): every
service then offers `POST /oauth/token` (grant_type=client_credentials) and accepts the
tokens any of them issued, as they share the signing key (`SIGNAL_TOKEN_SIGNING_KEY`).
The client id is the organisation id, the secret its development key (stored only as
a SHA-256 hash in the organisations file). A token names one organisation and one role
and lives 15 minutes. Production has no such endpoint and accepts only the OpenID
Connect provider's tokens (`shared.oidc`); its settings refuse a signing key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs
from uuid import uuid4

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shared.organisations import Organisation, Organisations, hash_api_key

AUDIENCE = "urn:nld:signaalketen"
ALGORITHM = "HS256"
LIFETIME = timedelta(minutes=15)


class InvalidToken(ValueError):
    pass


@dataclass(frozen=True)
class TokenIssuer:
    signing_key: str
    issuer: str

    def issue(self, organisation: Organisation, now: datetime) -> str:
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": organisation.id,
            "organisation": organisation.id,
            "role": organisation.role.value,
            "iat": int(now.timestamp()),
            "exp": int((now + LIFETIME).timestamp()),
            "jti": str(uuid4()),
        }
        return jwt.encode(claims, self.signing_key, algorithm=ALGORITHM)

    async def verify(self, token: str, now: datetime) -> dict:
        return self.verify_now(token, now)

    def verify_now(self, token: str, now: datetime) -> dict:
        try:
            claims = jwt.decode(
                token,
                self.signing_key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "role"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from None
        # Expiry against the service's clock (tests move it), not the wall clock.
        if claims_expired(claims, now):
            raise InvalidToken("token expired")
        return claims


def claims_expired(claims: dict, now: datetime) -> bool:
    return int(claims["exp"]) <= int(now.timestamp())


def authenticate_client(organisations: Organisations, client_id: str | None, secret: str | None) -> Organisation | None:
    organisation = organisations.get(client_id or "")
    if organisation is None or not secret or hash_api_key(secret) not in organisation.api_key_sha256:
        return None
    return organisation


router = APIRouter(tags=["auth"])
_CLIENT_CREDENTIALS = {
    "type": "object",
    "required": ["grant_type", "client_id", "client_secret"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string", "maxLength": 100, "description": "the organisation's id"},
        "client_secret": {"type": "string", "maxLength": 200, "description": "the organisation's API key"},
    },
}
_TOKEN_REQUEST = {  # read by hand below (RFC 6749 §4.4 form, or the same fields as JSON); documented here
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": _CLIENT_CREDENTIALS}, "application/json": {"schema": _CLIENT_CREDENTIALS}},
    }
}


@router.post(
    "/oauth/token",
    summary="OAuth2 client credentials: a bearer token for one organisation and its role",
    responses={400: {"description": "unsupported grant"}, 401: {"description": "invalid client"}},
    openapi_extra=_TOKEN_REQUEST,
)
async def token(request: Request) -> JSONResponse:
    body = (await request.body()).decode(errors="replace")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            form = {key: str(value) for key, value in json.loads(body or "{}").items()}
        except (ValueError, AttributeError, RecursionError):  # not JSON, not an object, nested too deep
            form = {}
    else:
        form = {key: values[0] for key, values in parse_qs(body).items()}
    if form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}, 400)
    runtime = request.app.state.runtime
    organisation = authenticate_client(runtime.organisations, form.get("client_id"), form.get("client_secret"))
    if organisation is None:
        return JSONResponse({"error": "invalid_client"}, 401, headers={"WWW-Authenticate": "Basic"})
    now = runtime.clock.now()
    access_token = request.app.state.tokens.issue(organisation, now)
    return JSONResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": int(LIFETIME.total_seconds()), "scope": organisation.role.value},
        headers={"Cache-Control": "no-store"},
    )
