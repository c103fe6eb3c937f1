"""The portal as an OpenID Connect client: the authorization-code flow with PKCE (S256).

`start()` makes what a login must remember (state, nonce, PKCE verifier) and the URL
to send the browser to; `finish()` exchanges the code (with the verifier and the
portal's client secret, server-side), verifies the ID token (signature against the
issuer's JWKS, issuer, audience = this client, expiry, nonce) and reads the person
from it: organisation and role (checked against the organisations file, as the
services do), display name and employee number. `refresh()` renews an access token.
The tokens never reach the browser.

Browsers reach the provider at its public address (the issuer); the portal itself may
reach it over a back channel inside the network (`backchannel`, e.g.
http://keycloak:8080/realms/signaalketen), where the public name may not even resolve.
Then discovery, the code exchange, refreshes and the keys go over the back channel:
the discovery document must still name the public issuer, and an endpoint it gives at
the public address is called at the same path on the back channel. Authorization and
logout stay at the public address, which is where the browser goes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

import httpx

from shared.caller import Caller, CallerKind, caller_from_claims
from shared.oidc import OidcSettings, OidcVerifier
from shared.organisations import Organisations
from shared.tokens import InvalidToken
from services.portal.session import PendingLogin, Session

SCOPE = "openid profile"


class LoginFailed(Exception):
    """The identity provider's answer cannot log anyone in; the message says why (no secrets)."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str  # browser-facing
    token: str  # server-side
    jwks: str  # server-side
    end_session: str | None  # browser-facing


def code_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OidcClient:
    def __init__(
        self, issuer: str, client_id: str, client_secret: str, redirect_uri: str, http: httpx.AsyncClient,
        backchannel: str | None = None,
    ):  # fmt: skip
        self.issuer, self.client_id, self.redirect_uri = issuer.rstrip("/"), client_id, redirect_uri
        self.backchannel = backchannel.rstrip("/") if backchannel else None
        self._secret = client_secret
        self._http = http
        self._endpoints: Endpoints | None = None
        self._id_tokens: OidcVerifier | None = None

    async def start(self) -> tuple[PendingLogin, str]:
        pending = PendingLogin(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24), code_verifier=secrets.token_urlsafe(48))
        query = {
            "client_id": self.client_id, "response_type": "code", "scope": SCOPE, "redirect_uri": self.redirect_uri,
            "state": pending.state, "nonce": pending.nonce,
            "code_challenge": code_challenge(pending.code_verifier), "code_challenge_method": "S256",
        }  # fmt: skip
        return pending, f"{(await self.endpoints()).authorization}?{urlencode(query)}"

    async def finish(self, pending: PendingLogin, code: str, organisations: Organisations, now: datetime) -> Session:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri, "code_verifier": pending.code_verifier}
        grant = await self._token(form)
        try:
            claims = await (await self.id_token_verifier()).verify(str(grant.get("id_token", "")), now)
        except InvalidToken as exc:
            raise LoginFailed(f"ID token refused: {exc}") from None
        if not secrets.compare_digest(str(claims.get("nonce", "")), pending.nonce):
            raise LoginFailed("ID token answers another login (nonce)")
        person = caller_from_claims(claims, organisations)
        if person is None or person.kind is not CallerKind.PERSON:
            raise LoginFailed("this account names no organisation of the chain, or another role than its organisation's")
        return session_of(person, grant, now)

    async def refresh(self, session: Session, now: datetime) -> Session:
        grant = await self._token({"grant_type": "refresh_token", "refresh_token": session.refresh_token or ""})
        return session_of_refresh(session, grant, now)

    async def logout_url(self, session: Session, after: str) -> str | None:
        end_session = (await self.endpoints()).end_session
        if end_session is None:
            return None
        query = {"client_id": self.client_id, "post_logout_redirect_uri": after}
        if session.id_token:
            query["id_token_hint"] = session.id_token
        return f"{end_session}?{urlencode(query)}"

    async def id_token_verifier(self) -> OidcVerifier:
        """ID tokens name the public issuer; their keys come from the JWKS the portal reaches."""
        if self._id_tokens is None:
            jwks = (await self.endpoints()).jwks
            self._id_tokens = OidcVerifier(OidcSettings(issuer=self.issuer, audience=self.client_id, jwks_url=jwks))
        return self._id_tokens

    async def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            try:
                response = await self._http.get(f"{self.backchannel or self.issuer}/.well-known/openid-configuration")
                document = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise LoginFailed(f"identity provider unreachable ({type(exc).__name__})") from None
            if response.status_code != 200 or document.get("issuer") != self.issuer:
                raise LoginFailed("identity provider's discovery document is not this issuer's")
            self._endpoints = Endpoints(
                authorization=document["authorization_endpoint"],
                token=self.server_side(document["token_endpoint"]),
                jwks=self.server_side(document["jwks_uri"]),
                end_session=document.get("end_session_endpoint"),
            )
        return self._endpoints

    def server_side(self, url: str) -> str:
        """An endpoint the portal calls itself: at the back channel when it is at the public address."""
        if self.backchannel and url.startswith(self.issuer + "/"):
            return self.backchannel + url[len(self.issuer) :]
        return url

    async def _token(self, form: dict) -> dict:
        endpoint = (await self.endpoints()).token
        try:
            response = await self._http.post(endpoint, data=form, auth=(self.client_id, self._secret))
        except httpx.HTTPError as exc:
            raise LoginFailed(f"identity provider unreachable ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise LoginFailed(f"identity provider refused the {form['grant_type']} grant ({response.status_code})")
        return response.json()


def session_of(person: Caller, grant: dict, now: datetime) -> Session:
    return Session(
        organisation=person.organisation,
        token=grant["access_token"],
        expires_at=now + timedelta(seconds=int(grant.get("expires_in", 300))),
        person=person.display_name,
        employee_number=person.employee_number,
        refresh_token=grant.get("refresh_token"),
        refresh_expires_at=now + timedelta(seconds=int(grant["refresh_expires_in"])) if grant.get("refresh_expires_in") else None,
        id_token=grant.get("id_token"),
    )


def session_of_refresh(session: Session, grant: dict, now: datetime) -> Session:
    refresh_life = grant.get("refresh_expires_in")
    return replace(
        session,
        token=grant["access_token"],
        expires_at=now + timedelta(seconds=int(grant.get("expires_in", 300))),
        refresh_token=grant.get("refresh_token") or session.refresh_token,
        refresh_expires_at=now + timedelta(seconds=int(refresh_life)) if refresh_life else session.refresh_expires_at,
        id_token=grant.get("id_token") or session.id_token,
    )
