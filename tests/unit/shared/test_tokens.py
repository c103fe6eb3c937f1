"""The development issuer (OAuth2 client credentials): a token names one organisation and role,
expires, can't be forged; and production refuses it, X-API-Key and every development secret."""

import json
import shutil

import pytest
from pydantic import ValidationError

from shared.bus.memory import InMemoryBus
from shared.privacy import generate_address_key
from shared.runtime import build_runtime
from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE, DEV_TOKEN_SIGNING_KEY
from shared.tokens import TokenIssuer
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import running, unit_runtime
from tests.support.issuer_server import IssuerServer
from tests.support.production import organisations_without_keys
from tests.support.intake import arrears_body

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def token_for(client, client_id, secret):
    return await client.post(
        "/oauth/token", content=f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}", headers=FORM
    )


@pytest.fixture
def app(tmp_path, clock):
    return create_app(unit_runtime(ArrearsSettings, tmp_path, InMemoryBus(), clock))


async def test_a_client_credentials_token_authenticates_as_its_organisation(app):
    async with running(app) as client:
        response = await token_for(client, "ymere", "dev-ymere")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["scope"] == "corporation"
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await client.post("/v1/signals", json=arrears_body(), headers=bearer)).status_code == 202


async def test_wrong_secret_or_grant_is_refused(app):
    async with running(app) as client:
        wrong = await token_for(client, "ymere", "dev-eigen-haard")
        grant = await client.post("/oauth/token", content="grant_type=password&client_id=ymere", headers=FORM)
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


async def test_an_expired_or_tampered_token_is_refused(app, clock):
    async with running(app) as client:
        token = (await token_for(client, "ymere", "dev-ymere")).json()["access_token"]
        head, payload, signature = token.split(".")
        forged = f"{head}.{payload}.{signature[:-2]}xx"
        assert (await client.post("/v1/signals", json=arrears_body(), headers={"Authorization": f"Bearer {forged}"})).status_code == 401
        clock.advance(minutes=16)
        expired = await client.post("/v1/signals", json=arrears_body(), headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]


def production_env(monkeypatch, tmp_path, organisations, issuer: str) -> None:
    for name, value in {
        "SIGNAL_ENVIRONMENT": "production",
        "SIGNAL_PSEUDONYM_KEY": "a-real-deployment-key",
        "SIGNAL_ADDRESS_KEYS": generate_address_key(),
        "SIGNAL_ORGANISATIONS_FILE": str(organisations),
        "SIGNAL_OIDC_ISSUER": issuer,
        "SIGNAL_METRICS_TOKEN": "a-real-scraper-token",
        "ARREARS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/a.db",
    }.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_the_development_secrets_wherever_the_organisations_file_lives(tmp_path, monkeypatch):
    copied = tmp_path / "elsewhere" / "organisations.json"
    copied.parent.mkdir()
    shutil.copy(DEV_ORGANISATIONS_FILE, copied)
    production_env(monkeypatch, tmp_path, copied, "https://login.example.nl/realms/signaalketen")
    with pytest.raises(ValidationError, match="development secrets refused in production.*dev-<id> of ymere"):
        ArrearsSettings()


def test_production_refuses_the_development_token_issuer_and_needs_an_oidc_issuer(tmp_path, monkeypatch):
    production_env(monkeypatch, tmp_path, organisations_without_keys(tmp_path), "https://login.example.nl/realms/signaalketen")
    monkeypatch.setenv("SIGNAL_TOKEN_SIGNING_KEY", "a-real-deployment-signing-key-of-32-bytes")
    with pytest.raises(ValidationError, match="SIGNAL_TOKEN_SIGNING_KEY refused in production"):
        ArrearsSettings()
    monkeypatch.delenv("SIGNAL_TOKEN_SIGNING_KEY")
    monkeypatch.delenv("SIGNAL_OIDC_ISSUER")
    with pytest.raises(ValidationError, match="set SIGNAL_OIDC_ISSUER"):
        ArrearsSettings()


async def test_in_production_only_the_identity_providers_tokens_are_accepted(tmp_path, monkeypatch, clock):
    issuer = IssuerServer().start()
    try:
        production_env(monkeypatch, tmp_path, organisations_without_keys(tmp_path), issuer.issuer)
        app = create_app(build_runtime(ArrearsSettings(), bus=InMemoryBus(), clock=clock))
        development_token = TokenIssuer(DEV_TOKEN_SIGNING_KEY, ArrearsSettings().token_issuer).issue(
            Organisations.load(DEV_ORGANISATIONS_FILE).get("ymere"), clock.now()
        )
        async with running(app) as client:
            by_key = await client.post("/v1/signals", json=arrears_body(), headers={"X-API-Key": "dev-ymere"})
            token_endpoint = await token_for(client, "ymere", "dev-ymere")
            by_development_token = await client.post(
                "/v1/signals", json=arrears_body(), headers={"Authorization": f"Bearer {development_token}"}
            )
            provider_token = issuer.sign(issuer.claims(clock.now(), "ymere", "corporation"))
            by_provider_token = await client.post(
                "/v1/signals", json=arrears_body(), headers={"Authorization": f"Bearer {provider_token}"}
            )
    finally:
        issuer.stop()
    assert (by_key.status_code, token_endpoint.status_code, by_development_token.status_code) == (401, 404, 401)
    assert by_provider_token.status_code == 202, by_provider_token.text
