"""The portal's OpenID Connect client against real Keycloak, without a browser: the code
flow with PKCE gives a session naming the person (from the verified ID token), a
refresh renews the access token, and a code cannot be used twice or with another
verifier."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE
from services.portal.oidc import LoginFailed, OidcClient
from tests.support.keycloak import CALLBACK, PORTAL_CLIENT, log_in

ORGANISATIONS = Organisations.load(DEV_ORGANISATIONS_FILE)


async def logged_in_code(client: OidcClient, username: str):
    pending, url = await client.start()
    answer = log_in(url, username)
    assert answer["state"] == [pending.state]
    return pending, answer["code"][0]


async def test_the_code_flow_names_the_person_and_a_refresh_renews_the_token(keycloak_issuer):
    async with httpx.AsyncClient(timeout=10) as http:
        client = OidcClient(keycloak_issuer, PORTAL_CLIENT, f"dev-{PORTAL_CLIENT}", CALLBACK, http)
        pending, code = await logged_in_code(client, "hvo.bakker")
        now = datetime.now(UTC)
        session = await client.finish(pending, code, ORGANISATIONS, now)
        renewed = await client.refresh(session, now)
        with pytest.raises(LoginFailed, match="authorization_code grant"):
            await client.finish(pending, code, ORGANISATIONS, now)  # a code is good once
    assert (session.organisation.id, session.person, session.employee_number) == ("hvo-querido", "Mehmet Bakker", "HVO-2203")
    assert session.refresh_token and session.id_token and session.expires_at > now
    assert renewed.token != session.token and renewed.person == "Mehmet Bakker"


async def test_a_code_with_another_verifier_or_nonce_logs_nobody_in(keycloak_issuer):
    async with httpx.AsyncClient(timeout=10) as http:
        client = OidcClient(keycloak_issuer, PORTAL_CLIENT, f"dev-{PORTAL_CLIENT}", CALLBACK, http)
        pending, code = await logged_in_code(client, "ggd.devries")
        with pytest.raises(LoginFailed, match="refused"):
            await client.finish(replace(pending, code_verifier="another-verifier-" + "x" * 40), code, ORGANISATIONS, datetime.now(UTC))
        pending, code = await logged_in_code(client, "ggd.devries")
        with pytest.raises(LoginFailed, match="nonce"):
            await client.finish(replace(pending, nonce="another-login"), code, ORGANISATIONS, datetime.now(UTC))
