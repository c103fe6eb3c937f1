"""Triage's register client against real Keycloak (the chain's realm): its client-credentials
token names the register's audience, and the register stand-in, checking tokens against
Keycloak's JWKS, answers triage's lookup with it and refuses a partner's token of the same
Keycloak (another audience). The stand-in runs in this process; the tokens and keys are real.
The whole chain with it, in production: tests/e2e/test_production_check.py."""

from __future__ import annotations

import httpx
import jwt

from deploy.keycloak.realm import REGISTER_AUDIENCE, REGISTER_CLIENT, development_secret
from services.register.app import create_app
from services.triage.brp.client import HaalCentraalBrpClient
from shared.client_credentials import ClientCredentials, ClientCredentialsTokens
from shared.oidc import OidcSettings, OidcVerifier
from tests.support.register_server import PERSONEN_BASE, running_register

FAMILY = "0363010001004477"


async def test_triage_reaches_the_register_with_its_keycloak_token_and_a_partners_token_is_refused(keycloak_issuer):
    token_url = f"{keycloak_issuer}/protocol/openid-connect/token"
    tokens = ClientCredentialsTokens(ClientCredentials(token_url, REGISTER_CLIENT, development_secret(REGISTER_CLIENT)))
    verifier = OidcVerifier(OidcSettings(issuer=keycloak_issuer, audience=REGISTER_AUDIENCE))
    with running_register(create_app(verifier=verifier)) as root:
        async with HaalCentraalBrpClient(root + PERSONEN_BASE, tokens=tokens, attempts=1) as client:
            residents = await client.residents_at(FAMILY)
        partner = ClientCredentialsTokens(ClientCredentials(token_url, "ymere", development_secret("ymere")))
        query = {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": FAMILY}
        async with httpx.AsyncClient() as http:
            refused = await http.post(root + PERSONEN_BASE + "/personen", json=query,
                                      headers={"Authorization": f"Bearer {await partner.token()}"})  # fmt: skip
    assert len(residents) >= 3 and tokens.fetches == 1
    claims = jwt.decode(await tokens.token(), options={"verify_signature": False})
    assert REGISTER_AUDIENCE in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])
    assert refused.status_code == 401
