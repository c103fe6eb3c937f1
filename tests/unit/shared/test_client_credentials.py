"""Triage's register client gets its access tokens from the identity provider by client
credentials and keeps each until shortly before it expires: one fetch serves every
request meanwhile, also many at once. The provider is a real HTTP server
(tests/support/issuer_server.py)."""

from __future__ import annotations

import asyncio

import jwt
import pytest

from shared.client_credentials import ClientCredentials, ClientCredentialsTokens, TokenRefused, TokenUnavailable
from shared.faults import FailureKind, classify
from tests.support.issuer_server import IssuerServer
from tests.support.ports import free_port

CLIENT, SECRET, AUDIENCE = "signaalketen-register-client", "s3cret-of-the-run", "urn:nld:brp"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def issuer():
    server = IssuerServer().start()
    server.clients[CLIENT] = (SECRET, AUDIENCE)
    yield server
    server.stop()


def tokens_of(issuer: IssuerServer, clock: Clock, secret: str = SECRET, margin: float = 30.0) -> ClientCredentialsTokens:
    credentials = ClientCredentials(f"{issuer.issuer}/protocol/openid-connect/token", CLIENT, secret)
    return ClientCredentialsTokens(credentials, refresh_margin=margin, clock=clock)


async def test_one_token_serves_every_request_until_shortly_before_it_expires(issuer):
    issuer.token_lifetime = 300
    clock = Clock()
    tokens = tokens_of(issuer, clock)
    first = await tokens.token()
    claims = jwt.decode(first, options={"verify_signature": False})
    assert (claims["aud"], claims["azp"]) == (AUDIENCE, CLIENT)
    assert [await tokens.token() for _ in range(3)] == [first] * 3
    clock.now += 300 - 30 - 1  # still 31 s to go: kept
    assert await tokens.token() == first and tokens.fetches == 1
    clock.now += 1  # 30 s before expiry: a fresh one
    second = await tokens.token()
    assert second != first and tokens.fetches == 2


async def test_many_requests_at_once_wait_for_one_fetch(issuer):
    tokens = tokens_of(issuer, Clock())
    before = issuer.token_requests
    found = await asyncio.gather(*(tokens.token() for _ in range(20)))
    assert len(set(found)) == 1
    assert issuer.token_requests - before == 1 and tokens.fetches == 1


async def test_a_short_lived_token_is_renewed_at_half_its_life(issuer):
    issuer.token_lifetime = 40  # shorter than twice the margin
    try:
        clock = Clock()
        tokens = tokens_of(issuer, clock)
        first = await tokens.token()
        clock.now += 19
        assert await tokens.token() == first
        clock.now += 1
        assert await tokens.token() != first
    finally:
        issuer.token_lifetime = 300


async def test_a_refused_token_is_forgotten_and_the_next_request_fetches_a_fresh_one(issuer):
    tokens = tokens_of(issuer, Clock())
    refused = await tokens.token()
    tokens.invalidate("an older token")  # another request's stale token: the current one stays
    assert await tokens.token() == refused
    tokens.invalidate(refused)
    assert await tokens.token() != refused and tokens.fetches == 2


async def test_wrong_credentials_are_refused_by_name_without_the_secret(issuer):
    tokens = tokens_of(issuer, Clock(), secret="not-the-secret")
    with pytest.raises(TokenRefused) as refused:
        await tokens.token()
    assert CLIENT in str(refused.value) and "401" in str(refused.value) and "invalid_client" in str(refused.value)
    assert "not-the-secret" not in str(refused.value) and "Invalid client" not in str(refused.value)
    assert "not-the-secret" not in repr(ClientCredentials("http://x", CLIENT, "not-the-secret"))


async def test_a_provider_that_is_away_is_a_transient_failure():
    credentials = ClientCredentials(f"http://127.0.0.1:{free_port()}/realms/x/protocol/openid-connect/token", CLIENT, SECRET)
    tokens = ClientCredentialsTokens(credentials, timeout=2)
    with pytest.raises(TokenUnavailable) as away:
        await tokens.token()
    assert classify(away.value).kind is FailureKind.TRANSIENT
    assert tokens.fetches == 0
