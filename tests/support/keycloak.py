"""Tokens from the real Keycloak of the tests (deploy/keycloak/start.sh, realm
deploy/keycloak/realm-signaalketen.json): a partner system's by client credentials, and a
named person's through the authorization-code flow with PKCE, by filling in Keycloak's
own login form as a browser would (no password grant: the realm does not allow it)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

PORTAL_CLIENT = "signaalketen-portal"
CALLBACK = "http://127.0.0.1:9/auth/callback"  # never reached: the code is taken from the redirect


def client_token(issuer: str, client_id: str, secret: str | None = None) -> str:
    response = httpx.post(
        f"{issuer}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret or f"dev-{client_id}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def person_token(issuer: str, username: str, password: str | None = None) -> str:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    query = {
        "client_id": PORTAL_CLIENT, "response_type": "code", "scope": "openid", "redirect_uri": CALLBACK,
        "state": state, "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    answer = log_in(f"{issuer}/protocol/openid-connect/auth?{urlencode(query)}", username, password)
    assert answer["state"] == [state]
    token = httpx.post(
        f"{issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "authorization_code", "code": answer["code"][0], "redirect_uri": CALLBACK,
            "client_id": PORTAL_CLIENT, "client_secret": f"dev-{PORTAL_CLIENT}", "code_verifier": verifier,
        },
        timeout=10,
    )  # fmt: skip
    assert token.status_code == 200, token.text
    return token.json()["access_token"]


def log_in(authorization_url: str, username: str, password: str | None = None) -> dict[str, list[str]]:
    """Fill in Keycloak's login form as a browser would; the query of the redirect back (code, state)."""
    with httpx.Client(timeout=10, follow_redirects=False) as browser:
        page = browser.get(authorization_url)
        assert page.status_code == 200, page.text[:500]
        action = html.unescape(re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', page.text).group(1))
        # Keycloak marks its login cookies Secure; browsers send those to http://127.0.0.1
        # (a secure context), Python's cookie jar does not: they are passed on by hand.
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies.jar)
        sent = browser.post(
            action,
            data={"username": username, "password": password or f"dev-{username}", "credentialId": ""},
            headers={"Cookie": cookies},
        )
    assert sent.status_code == 302, f"login refused: {sent.status_code}"
    return parse_qs(urlparse(sent.headers["Location"]).query)
