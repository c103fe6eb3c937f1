"""In production triage reaches the register with an access token of its register client
(client credentials at the identity provider), and the register checks it against the
issuer's JWKS as the chain's services check theirs: a token with a bad signature, another
audience or issuer, an expired one, none at all or an API key get 401. In-process: the
issuer (tests/support/issuer_server.py) and the register stand-in are real HTTP servers in
this process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from pydantic import ValidationError

from services.register.app import create_app
from services.register.settings import REGISTER_AUDIENCE, RegisterSettings
from services.triage.brp.client import HaalCentraalBrpClient, RegisterUnavailable
from services.triage.brp.protocol import REGISTER_CLIENT
from services.triage.settings import TriageSettings
from shared.client_credentials import ClientCredentials, ClientCredentialsTokens
from shared.oidc import OidcSettings, OidcVerifier
from tests.support.issuer_server import IssuerServer
from tests.support.production import organisations_without_keys
from tests.support.register_server import PERSONEN_BASE, running_register

SECRET = "the-register-client-secret-of-the-run"
FAMILY = "0363010001004477"  # two parents and their children (BRP test persons)
QUERY = {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": FAMILY,
         "fields": ["geboorte.datum"]}  # fmt: skip


@pytest.fixture(scope="module")
def issuer():
    server = IssuerServer().start()
    server.clients[REGISTER_CLIENT] = (SECRET, REGISTER_AUDIENCE)
    server.clients["ymere"] = ("ymere-secret", "urn:nld:signaalketen")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def register(issuer):
    verifier = OidcVerifier(OidcSettings(issuer=issuer.issuer, audience=REGISTER_AUDIENCE))
    with running_register(create_app(verifier=verifier)) as url:
        yield url + PERSONEN_BASE


def tokens_for(issuer: IssuerServer, client: str = REGISTER_CLIENT, secret: str = SECRET) -> ClientCredentialsTokens:
    return ClientCredentialsTokens(ClientCredentials(f"{issuer.issuer}/protocol/openid-connect/token", client, secret))


async def test_triage_reaches_the_register_with_one_cached_token(issuer, register):
    tokens = tokens_for(issuer)
    async with HaalCentraalBrpClient(register, tokens=tokens, attempts=1) as client:
        first = await client.residents_at(FAMILY)
        again = await client.residents_at(FAMILY)
    assert len(first) == len(again) >= 3 and any(resident.birth_date for resident in first)
    assert tokens.fetches == 1


def forged(issuer: IssuerServer) -> dict[str, str]:
    now = datetime.now(UTC)
    good = {"iss": issuer.issuer, "aud": REGISTER_AUDIENCE, "sub": "service-account", "azp": REGISTER_CLIENT,
            "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=5)).timestamp())}  # fmt: skip
    head, payload, signature = issuer.sign(good).split(".")
    return {
        "bad signature": f"{head}.{payload}.{signature[:-4]}AAAA",
        "wrong audience (a chain token)": issuer.sign({**good, "aud": ["urn:nld:signaalketen", "account"]}),
        "wrong issuer": issuer.sign({**good, "iss": issuer.issuer + "-other"}),
        "expired": issuer.sign({**good, "iat": int((now - timedelta(minutes=20)).timestamp()),
                                "exp": int((now - timedelta(minutes=5)).timestamp())}),  # fmt: skip
        "alg none": jwt.encode(good, None, algorithm="none", headers={"kid": "rsa-1"}),
    }


async def test_the_register_answers_401_to_everything_but_a_valid_token_for_its_audience(issuer, register):
    partner_token = await tokens_for(issuer, "ymere", "ymere-secret").token()  # valid, but for the chain's services
    attempts = {name: {"Authorization": f"Bearer {token}"} for name, token in forged(issuer).items()}
    attempts |= {
        "no token": {},
        "an API key": {"X-API-KEY": SECRET},
        "a partner's token": {"Authorization": f"Bearer {partner_token}"},
        "basic credentials": {"Authorization": "Basic " + SECRET},
    }
    async with httpx.AsyncClient() as http:
        for name, headers in attempts.items():
            answer = await http.post(register + "/personen", json=QUERY, headers=headers)
            assert answer.status_code == 401, name
            assert answer.json()["code"] == "authentication" and "personen" not in answer.json(), name
        valid = await tokens_for(issuer).token()
        answer = await http.post(register + "/personen", json=QUERY, headers={"Authorization": f"Bearer {valid}"})
    assert answer.status_code == 200 and answer.json()["personen"]


async def test_a_refused_token_is_replaced_once_and_a_lasting_refusal_holds_the_signal(issuer):
    seen: list[str] = []

    def register(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if len(seen) == 1:
            return httpx.Response(401, json={"status": 401, "code": "authentication"})
        return httpx.Response(200, json={"type": QUERY["type"], "personen": [{}]})

    tokens = tokens_for(issuer)
    url = "http://register.test/haalcentraal/api/brp"
    async with HaalCentraalBrpClient(url, tokens=tokens, backoff=0.001, transport=httpx.MockTransport(register)) as client:
        assert len(await client.residents_at(FAMILY)) == 1
    assert tokens.fetches == 2 and seen[0] != seen[1]

    refusing = httpx.MockTransport(lambda request: httpx.Response(401, json={"status": 401}))
    async with HaalCentraalBrpClient(url, tokens=tokens, backoff=0.001, transport=refusing) as client:
        with pytest.raises(RegisterUnavailable, match="HTTP 401"):  # transient: the consumer holds, nothing decided blind
            await client.residents_at(FAMILY)
    wrong_secret = tokens_for(issuer, secret="not-it")
    async with HaalCentraalBrpClient(url, tokens=wrong_secret, backoff=0.001, attempts=2, transport=refusing) as client:
        with pytest.raises(RegisterUnavailable, match="refused the client credentials"):
            await client.residents_at(FAMILY)


def production(tmp_path, **register) -> TriageSettings:
    return TriageSettings(
        environment="production", pseudonym_key="a-real-key", address_keys="ZGVwbG95bWVudC1hZGRyZXNzLWtleS0zMi1ieXRlcyE=",
        organisations_file=organisations_without_keys(tmp_path), oidc_issuer="https://login.gemeente.example/realms/signaalketen",
        metrics_token="a-scraper-token", person_key="a-real-person-key", **register,
    )  # fmt: skip


def test_production_needs_the_register_clients_secret_and_refuses_an_api_key(tmp_path):
    with pytest.raises(ValidationError, match="TRIAGE_REGISTER_API_KEY refused in production"):
        production(tmp_path, register_api_key="a-key", register_client_secret=SECRET)
    for refused in ({}, {"register_client_secret": f"dev-{REGISTER_CLIENT}"}):
        with pytest.raises(ValidationError, match="set TRIAGE_REGISTER_CLIENT_SECRET"):
            production(tmp_path, **refused)
    settings = production(tmp_path, register_client_secret=SECRET)
    assert settings.register_credentials == ClientCredentials(
        "https://login.gemeente.example/realms/signaalketen/protocol/openid-connect/token", REGISTER_CLIENT, SECRET
    )
    internal = "http://keycloak:8080/realms/signaalketen/protocol/openid-connect/token"
    assert production(tmp_path, register_client_secret=SECRET, register_token_url=internal).register_credentials.token_url == internal


def test_the_stand_in_takes_tokens_or_an_api_key_never_both():
    with pytest.raises(ValidationError, match="REGISTER_API_KEY refused with REGISTER_OIDC_ISSUER"):
        RegisterSettings(environment="development", api_key="k", oidc_issuer="http://127.0.0.1:8180/realms/signaalketen")
    settings = RegisterSettings(environment="development", oidc_issuer="http://127.0.0.1:8180/realms/signaalketen")
    assert settings.token_settings.audience == REGISTER_AUDIENCE
