"""Every service against real Keycloak (deploy/keycloak/start.sh, the chain's realm): a
partner system's client-credentials token and a named person's token are accepted; a
tampered, expired, unsigned, HMAC-forged, other-audience or other-issuer token is
refused (401); another role is refused (403); another organisation's object is "not
found" (404, so nothing about it leaks); and the audit names the person.

The services run in-process (in-memory bus, SQLite, a FakeClock started at the wall
clock, so expiry can be reached by moving it); the tokens, keys and login are real."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from tests.support.apps import key, running
from tests.support.keycloak import client_token, person_token

READS = {
    "arrears": ("ArrearsSettings", "/v1/signals", "ymere"),
    "triage": ("TriageSettings", "/v1/alerts", "ggd-amsterdam-vangnet"),
    "placement": ("PlacementSettings", "/v1/requests", "ggd-amsterdam-vangnet"),
    "notifications": ("NotificationsSettings", "/v1/inbox", "hvo-querido"),
    "monitor": ("MonitorSettings", "/v1/figures?municipality=0363&year=2026", "gemeente-amsterdam"),
}
FAMILY = {"adults": 1, "children_ages": [2, 5], "family_type": "one_parent", "need": "crisis", "municipality_code": "0363", "reason": "family_evicted"}  # fmt: skip


@pytest.fixture
def wall_clock():
    return FakeClock(datetime.now(UTC))


def service_app(service: str, tmp_path, clock: FakeClock, issuer: str):
    settings_class = getattr(importlib.import_module(f"services.{service}.settings"), READS[service][0])
    settings = settings_class(database_url=f"sqlite+aiosqlite:///{tmp_path}/{service}.db", environment="test", oidc_issuer=issuer)
    return importlib.import_module(f"services.{service}.app").create_app(build_runtime(settings, bus=InMemoryBus(), clock=clock))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forgeries(issuer: str, token: str) -> dict[str, str]:
    """Tokens made from a real one: each must be refused."""
    head, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = httpx.get(f"{issuer}/protocol/openid-connect/certs", timeout=10).json()
    public = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return {
        "bad signature": f"{head}.{payload}.{signature[:-4]}AAAA",
        "claims changed": f"{head}.{_part(json.dumps({**claims, 'organisation': 'eigen-haard'}).encode())}.{signature}",
        "alg none": jwt.encode(claims, None, algorithm="none", headers={"kid": kid}),
        "HS256, guessed key": jwt.encode(claims, "signaalketen-secret-guess-of-32-bytes", algorithm="HS256", headers={"kid": kid}),
        "HS256, the issuer's public key": _hs256(claims, kid, pem),
        "another audience (the register client's token)": client_token(issuer, "signaalketen-register-client"),
    }


def _part(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(claims: dict, kid: str, key: bytes) -> str:
    signing_input = _part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode()) + "." + _part(json.dumps(claims).encode())
    return signing_input + "." + _part(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


@pytest.mark.parametrize("service", sorted(READS))
async def test_keycloak_tokens_are_verified_by_every_service(service, tmp_path, wall_clock, keycloak_issuer):
    _settings, path, organisation = READS[service]
    token = client_token(keycloak_issuer, organisation)
    app = service_app(service, tmp_path, wall_clock, keycloak_issuer)
    async with running(app, migrate=True) as client:
        accepted = await client.get(path, headers=bearer(token))
        refused = {name: (await client.get(path, headers=bearer(forged))).status_code for name, forged in forgeries(keycloak_issuer, token).items()}
        # every signaller may use the intake now, shelters and police included: the privacy officer may not
        outsider = "functionaris-gegevensbescherming" if service == "arrears" else "politie-amsterdam"
        other_role = await client.get(path, headers=bearer(client_token(keycloak_issuer, outsider)))
        wall_clock.advance(minutes=16)  # the realm's tokens live 15 minutes
        expired = await client.get(path, headers=bearer(token))
    assert accepted.status_code == 200, accepted.text
    assert refused == dict.fromkeys(refused, 401)
    assert other_role.status_code == (200 if service == "notifications" else 403)  # every role has an inbox
    assert expired.status_code == 401


async def test_a_service_expecting_another_issuer_refuses_the_realms_tokens(tmp_path, wall_clock, keycloak_issuer):
    other_issuer = keycloak_issuer.rsplit("/", 1)[0] + "/master"
    app = service_app("placement", tmp_path, wall_clock, other_issuer)
    async with running(app, migrate=True) as client:
        response = await client.get("/v1/requests", headers=bearer(client_token(keycloak_issuer, "ggd-amsterdam-vangnet")))
    assert response.status_code == 401


async def test_organisation_a_cannot_read_organisation_bs_request(tmp_path, wall_clock, keycloak_issuer):
    app = service_app("placement", tmp_path, wall_clock, keycloak_issuer)
    async with running(app, migrate=True) as client:
        created = await client.post("/v1/requests", json=FAMILY, headers=bearer(client_token(keycloak_issuer, "ggd-amsterdam-vangnet")))
        other_ggd = bearer(client_token(keycloak_issuer, "ggd-utrecht"))
        read = await client.get(f"/v1/requests/{created.json()['id']}", headers=other_ggd)
        listed = await client.get("/v1/requests", headers=other_ggd)
    assert created.status_code == 201, created.text
    assert read.status_code == 404 and listed.json() == []


async def test_the_audit_names_the_person_who_read(tmp_path, wall_clock, keycloak_issuer):
    token = person_token(keycloak_issuer, "ggd.devries")
    sub = jwt.decode(token, options={"verify_signature": False})["sub"]
    app = service_app("placement", tmp_path, wall_clock, keycloak_issuer)
    async with running(app, migrate=True) as client:
        created = (await client.post("/v1/requests", json=FAMILY, headers=bearer(token))).json()
        read = await client.get(f"/v1/requests/{created['id']}", headers=bearer(token))
        officer = bearer(person_token(keycloak_issuer, "fg.mulder"))
        log = (await client.get(f"/v1/audit?subject={created['id']}", headers=officer)).json()
        by_key = await client.get("/v1/audit", headers=key("functionaris-gegevensbescherming"))
    assert read.status_code == 200, read.text
    [entry] = log
    assert entry["action"] == "read placement request" and entry["trace_id"] == read.headers["X-Trace-Id"]
    assert (entry["caller_subject"], entry["caller_kind"], entry["caller_name"], entry["caller_employee_number"]) == (
        sub, "person", "Sanne de Vries", "GGD-0417"
    )
    assert (entry["organisation_id"], entry["role"]) == ("ggd-amsterdam-vangnet", "ggd")
    assert by_key.status_code == 200  # the test environment still takes development keys beside Keycloak
