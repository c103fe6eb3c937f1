"""Every service checks an OpenID Connect access token itself, against the issuer's JWKS:
signature, algorithm, issuer, audience, expiry, organisation and role. The issuer here is
a real HTTP server with its own keys (tests/support/issuer_server.py), so tokens Keycloak
would never sign can be made; tests/integration/test_keycloak_tokens.py does the same
against real Keycloak."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from shared.settings import DEV_TOKEN_SIGNING_KEY
from tests.support.apps import running
from tests.support.issuer_server import IssuerServer

# One read per service, by an organisation whose role may make it.
READS = {
    "arrears": ("ArrearsSettings", "/v1/signals", "ymere", "corporation"),
    "triage": ("TriageSettings", "/v1/alerts", "ggd-amsterdam-vangnet", "ggd"),
    "placement": ("PlacementSettings", "/v1/requests", "ggd-amsterdam-vangnet", "ggd"),
    "notifications": ("NotificationsSettings", "/v1/inbox", "hvo-querido", "shelter"),
    "monitor": ("MonitorSettings", "/v1/figures?municipality=0363&year=2026", "gemeente-amsterdam", "municipality"),
}


@pytest.fixture(scope="module")
def issuer():
    server = IssuerServer().start()
    yield server
    server.stop()


def service_app(service: str, tmp_path, clock: FakeClock, issuer: IssuerServer, environment: str = "test"):
    settings_class = getattr(importlib.import_module(f"services.{service}.settings"), READS[service][0])
    settings = settings_class(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/{service}.db", environment=environment, oidc_issuer=issuer.issuer
    )
    return importlib.import_module(f"services.{service}.app").create_app(
        build_runtime(settings, bus=InMemoryBus(), clock=clock)
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forgeries(issuer: IssuerServer, clock: FakeClock, organisation: str, role: str) -> dict[str, str]:
    now = clock.now()
    good = issuer.claims(now, organisation, role)
    valid = issuer.sign(good)
    head, payload, signature = valid.split(".")
    public_pem = issuer.rsa.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return {
        "bad signature": f"{head}.{payload}.{signature[:-4]}AAAA",
        "wrong issuer": issuer.sign({**good, "iss": issuer.issuer + "-other"}),
        "wrong audience": issuer.sign({**good, "aud": "urn:nld:brp"}),
        "expired": issuer.sign({**good, "iat": int((now - timedelta(minutes=20)).timestamp()), "exp": int((now - timedelta(minutes=5)).timestamp())}),
        "alg none": jwt.encode(good, None, algorithm="none", headers={"kid": "rsa-1"}),
        "HS256 with a guessed key": jwt.encode(good, "a-guessed-secret-of-32-bytes-long!!", algorithm="HS256", headers={"kid": "rsa-1"}),
        "HS256 with the public key": _hs256_with(good, public_pem),
        "HS256 with the development key": jwt.encode(good, DEV_TOKEN_SIGNING_KEY, algorithm="HS256"),
        "RS384 (not allowed)": issuer.sign(good, algorithm="RS384"),
        "unknown organisation": issuer.sign({**good, "organisation": "nobody"}),
        "role not the organisation's": issuer.sign({**good, "role": "privacy_officer"}),
        "no organisation claim": issuer.sign({k: v for k, v in good.items() if k != "organisation"}),
    }


def _hs256_with(claims: dict, key: bytes) -> str:
    """The classic key-confusion forgery: the public key used as an HMAC secret. PyJWT
    refuses to make one, so it is assembled by hand."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode()) + "." + part(json.dumps(claims).encode())
    return signing_input + "." + part(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


@pytest.mark.parametrize("service", sorted(READS))
async def test_a_service_accepts_the_issuers_tokens_and_refuses_every_forgery(service, tmp_path, clock, issuer):
    _settings, path, organisation, role = READS[service]
    app = service_app(service, tmp_path, clock, issuer)
    async with running(app) as client:
        rsa = await client.get(path, headers=bearer(issuer.sign(issuer.claims(clock.now(), organisation, role))))
        ec = await client.get(path, headers=bearer(issuer.sign(issuer.claims(clock.now(), organisation, role), "ES256")))
        refused = {
            name: (await client.get(path, headers=bearer(token))).status_code
            for name, token in forgeries(issuer, clock, organisation, role).items()
        }
    assert rsa.status_code == 200, rsa.text
    assert ec.status_code == 200, ec.text
    assert refused == dict.fromkeys(refused, 401)


@pytest.mark.parametrize("service", sorted(READS))
async def test_another_roles_valid_token_is_forbidden(service, tmp_path, clock, issuer):
    path = READS[service][1]
    outsider = ("politie-amsterdam", "police") if service != "arrears" else ("functionaris-gegevensbescherming", "privacy_officer")
    app = service_app(service, tmp_path, clock, issuer)
    async with running(app) as client:
        response = await client.get(path, headers=bearer(issuer.sign(issuer.claims(clock.now(), *outsider))))
    expected = 200 if service == "notifications" else 403  # every role has an inbox
    assert response.status_code == expected, response.text


async def test_a_token_expires_on_the_services_clock(tmp_path, clock, issuer):
    app = service_app("triage", tmp_path, clock, issuer)
    token = issuer.sign(issuer.claims(clock.now(), "ggd-amsterdam-vangnet", "ggd"))
    async with running(app) as client:
        before = await client.get("/v1/alerts", headers=bearer(token))
        clock.advance(minutes=6)  # 5 minutes' life, 30 s leeway for clock skew
        after = await client.get("/v1/alerts", headers=bearer(token))
    assert (before.status_code, after.status_code) == (200, 401)


async def test_the_keys_are_fetched_once_and_cached(tmp_path, clock, issuer):
    app = service_app("placement", tmp_path, clock, issuer)
    fetched = issuer.jwks_requests
    async with running(app) as client:
        for _ in range(5):
            token = issuer.sign(issuer.claims(clock.now(), "ggd-amsterdam-vangnet", "ggd"))
            assert (await client.get("/v1/requests", headers=bearer(token))).status_code == 200
    assert issuer.jwks_requests - fetched == 1

