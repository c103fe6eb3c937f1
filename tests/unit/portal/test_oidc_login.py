"""The portal's start of a login at the identity provider, and the callback's checks:
PKCE S256, state and nonce remembered server-side, one try per login, a callback that
answers another login refused. (The whole login against real Keycloak, in Chromium:
tests/e2e/test_portal_keycloak.py.)"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.portal.app import create_app
from services.portal.oidc import code_challenge
from services.portal.session import COOKIE
from tests.support.issuer_server import IssuerServer
from tests.unit.portal.support import portal_settings


@pytest.fixture
async def portal(clock):
    issuer = IssuerServer().start()
    async with httpx.AsyncClient() as backend:
        app = create_app(portal_settings(oidc_issuer=issuer.issuer, port=8006), client=backend, clock=clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield client, app, issuer
    issuer.stop()


async def test_a_login_goes_to_the_provider_with_pkce_state_and_nonce(portal, clock):
    client, app, issuer = portal
    page = await client.get("/inloggen")
    assert 'href="/auth/login"' in page.text and "Inloggen met uw account" in page.text
    response = await client.get("/auth/login")
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    query = {name: values[0] for name, values in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}{target.path}" == issuer.issuer + "/protocol/openid-connect/auth"
    assert query["response_type"] == "code" and query["client_id"] == "signaalketen-portal"
    assert query["redirect_uri"] == "http://127.0.0.1:8006/auth/callback"
    pending = app.state.sessions.get(client.cookies.get(COOKIE), clock.now()).pending
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] == code_challenge(pending.code_verifier)
    assert query["state"] == pending.state and query["nonce"] == pending.nonce
    assert pending.code_verifier not in response.headers["location"]
    csp = response.headers["Content-Security-Policy"]
    assert f"form-action 'self' {target.scheme}://{target.netloc}" in csp


async def test_a_callback_for_another_login_is_refused_and_the_login_can_be_tried_once(portal, clock):
    client, app, _issuer = portal
    state = parse_qs(urlsplit((await client.get("/auth/login")).headers["location"]).query)["state"][0]
    wrong = await client.get("/auth/callback", params={"code": "abc", "state": "another-login"})
    again = await client.get("/auth/callback", params={"code": "abc", "state": state})
    assert wrong.status_code == 400 and "Inloggen is niet gelukt" in wrong.text
    assert again.status_code == 400, "the pending login was used up by the first callback"
    assert (await client.get("/ggd")).headers["location"] == "/inloggen"
    stranger = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test")
    async with stranger:
        assert (await stranger.get("/auth/callback", params={"code": "abc", "state": state})).status_code == 400


async def test_behind_a_back_channel_browsers_go_to_the_public_issuer_and_the_portal_to_the_back_channel(clock):
    """Inside a deployment's network the public name may not resolve: the portal discovers,
    exchanges codes and fetches keys at the back channel, and sends browsers to the public
    address the discovery document names (here unreachable: nothing would work through it)."""
    issuer = IssuerServer().start()
    public = "https://login.gemeente.example/realms/test"
    issuer.announced_issuer = public
    try:
        async with httpx.AsyncClient() as backend:
            settings = portal_settings(oidc_issuer=public, oidc_backchannel_url=issuer.issuer, port=8006)
            app = create_app(settings, client=backend, clock=clock)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test") as client:
                login = await client.get("/auth/login")
            assert login.status_code == 303 and login.headers["location"].startswith(public + "/protocol/openid-connect/auth?")
            endpoints = await app.state.oidc.endpoints()
            assert endpoints.token == issuer.issuer + "/protocol/openid-connect/token"
            assert endpoints.jwks == issuer.issuer + "/protocol/openid-connect/certs"
            assert endpoints.end_session == public + "/protocol/openid-connect/logout"
            now = clock.now()
            id_token = issuer.sign({"iss": public, "aud": "signaalketen-portal", "sub": "s", "iat": int(now.timestamp()),
                                    "exp": int(now.timestamp()) + 300})  # fmt: skip
            assert (await (await app.state.oidc.id_token_verifier()).verify(id_token, now))["iss"] == public
            assert issuer.jwks_requests >= 1
    finally:
        issuer.stop()
