"""OAuth2 client credentials: a token names one organisation and role, expires, can't be forged."""

import shutil

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.privacy import generate_address_key
from shared.runtime import build_runtime
from shared.settings import DEV_ORGANISATIONS_FILE
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import running, unit_runtime
from tests.unit.arrears.test_intake_api import arrears_body

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


async def test_outside_development_only_bearer_tokens_are_accepted(tmp_path, monkeypatch):
    organisations = tmp_path / "organisations.json"
    shutil.copy(DEV_ORGANISATIONS_FILE, organisations)
    for name, value in {
        "SIGNAL_ENVIRONMENT": "production",
        "SIGNAL_PSEUDONYM_KEY": "a-real-deployment-key",
        "SIGNAL_ADDRESS_KEYS": generate_address_key(),
        "SIGNAL_TOKEN_SIGNING_KEY": "a-real-deployment-signing-key-of-32-bytes",
        "SIGNAL_ORGANISATIONS_FILE": str(organisations),
        "ARREARS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/a.db",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app(build_runtime(ArrearsSettings(), bus=InMemoryBus(), clock=FakeClock()))
    async with running(app) as client:
        by_key = await client.post("/v1/signals", json=arrears_body(), headers={"X-API-Key": "dev-ymere"})
        token = (await token_for(client, "ymere", "dev-ymere")).json()["access_token"]
        by_token = await client.post("/v1/signals", json=arrears_body(), headers={"Authorization": f"Bearer {token}"})
    assert by_key.status_code == 401 and by_token.status_code == 202
