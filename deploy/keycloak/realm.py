"""Writes `realm-signaalketen.json`, the Keycloak realm of the local and test runs.

    .venv/bin/python -m deploy.keycloak.realm            # rewrite the realm file
    .venv/bin/python -m deploy.keycloak.realm --check    # exit 1 when the file is stale
    .venv/bin/python -m deploy.keycloak.realm --output /tmp/realm.json --generate-secrets /tmp/secrets.json
                                                         # a realm with random secrets, for a run like production

One source for the partners: `deploy/local/organisations.json`. Every organisation gets a
confidential client (client credentials) named by its id, whose tokens carry its
organisation id and role as hardcoded claims; the portal gets a confidential client with
the authorization-code flow and PKCE (S256); the named test people carry their
organisation, role and employee number as user attributes, mapped into their tokens.
Every token carries the chain's audience.

The secrets and passwords here (`dev-…`) are for the local and test runs only. A
deployment imports its own realm or uses its own OIDC provider (deploy/keycloak/README.md).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ORGANISATIONS = REPO / "deploy" / "local" / "organisations.json"
REALM_FILE = HERE / "realm-signaalketen.json"
REALM = "signaalketen"
AUDIENCE = "urn:nld:signaalketen"
PORTAL_CLIENT = "signaalketen-portal"
REGISTER_CLIENT = "signaalketen-register-client"
REGISTER_AUDIENCE = "urn:nld:brp"
TOKEN_LIFESPAN_SECONDS = 900

# The named people of the local and test runs (fictitious).
PEOPLE = (
    ("ggd.devries", "Sanne", "de Vries", "ggd-amsterdam-vangnet", "GGD-0417"),
    ("hvo.bakker", "Mehmet", "Bakker", "hvo-querido", "HVO-2203"),
    ("ymere.jansen", "Anouk", "Jansen", "ymere", "YM-1180"),
    ("gemeente.visser", "Daan", "Visser", "gemeente-amsterdam", "AMS-5521"),
    ("fg.mulder", "Ilse", "Mulder", "functionaris-gegevensbescherming", "FG-0001"),
)
PERSON_CLAIMS = ("organisation", "role", "employee_number")


def development_secret(client_id: str) -> str:
    return f"dev-{client_id}"


def development_password(username: str) -> str:
    return f"dev-{username}"


def _claim(name: str, value: str) -> dict:
    return {
        "name": f"{name} claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": name, "claim.value": value, "jsonType.label": "String",
            "access.token.claim": "true", "id.token.claim": "false", "introspection.token.claim": "true",
            "userinfo.token.claim": "false",
        },
    }  # fmt: skip


def _user_attribute(name: str) -> dict:
    return {
        "name": f"{name} attribute",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": name, "claim.name": name, "jsonType.label": "String",
            "access.token.claim": "true", "id.token.claim": "true", "introspection.token.claim": "true",
            "userinfo.token.claim": "true",
        },
    }  # fmt: skip


def _audience(audience: str) -> dict:
    return {
        "name": "audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.custom.audience": audience, "access.token.claim": "true", "id.token.claim": "false",
                   "introspection.token.claim": "true"},
    }  # fmt: skip


def partner_client(organisation: dict) -> dict:
    """A partner's system: client credentials only, its organisation and role in every token."""
    return {
        "clientId": organisation["id"],
        "name": organisation["name"],
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": development_secret(organisation["id"]),
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "attributes": {"access.token.lifespan": str(TOKEN_LIFESPAN_SECONDS)},
        "protocolMappers": [
            _audience(AUDIENCE),
            _claim("organisation", organisation["id"]),
            _claim("role", organisation["role"]),
        ],
    }


def register_client() -> dict:
    """Triage's system towards the population register: its own audience, no chain role."""
    return {
        "clientId": REGISTER_CLIENT,
        "name": "Signaalketen triage (BRP-bevraging)",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": development_secret(REGISTER_CLIENT),
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "protocolMappers": [_audience(REGISTER_AUDIENCE), _claim("organisation", "signaalketen-triage")],
    }


def portal_client() -> dict:
    """The portal (a backend for frontend): authorization code with PKCE S256, confidential.

    Redirect URIs on the loopback address match any port (RFC 8252 7.3, which Keycloak
    follows), so tests can run the portal on a free port."""
    return {
        "clientId": PORTAL_CLIENT,
        "name": "Signaalketen portaal",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": development_secret(PORTAL_CLIENT),
        "standardFlowEnabled": True,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": False,
        "redirectUris": ["http://127.0.0.1/auth/callback", "http://localhost/auth/callback"],
        "webOrigins": ["+"],
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "http://127.0.0.1/*##http://localhost/*",
            "access.token.lifespan": str(TOKEN_LIFESPAN_SECONDS),
        },
        "protocolMappers": [_audience(AUDIENCE), *(_user_attribute(name) for name in PERSON_CLAIMS)],
    }


def person(username: str, first: str, last: str, organisation: dict, employee_number: str) -> dict:
    return {
        "username": username,
        "enabled": True,
        "emailVerified": True,
        "firstName": first,
        "lastName": last,
        "email": f"{username}@example.org",
        "attributes": {
            "organisation": [organisation["id"]],
            "role": [organisation["role"]],
            "employee_number": [employee_number],
        },
        "credentials": [{"type": "password", "value": development_password(username), "temporary": False}],
        "requiredActions": [],
    }


def user_profile() -> dict:
    """Keycloak's default attributes plus the chain's; only administrators may change those."""
    admin_only = {"view": ["admin", "user"], "edit": ["admin"]}
    default = {"view": ["admin", "user"], "edit": ["admin", "user"]}
    names = [("username", "${username}"), ("email", "${email}"), ("firstName", "${firstName}"), ("lastName", "${lastName}")]
    attributes = [{"name": name, "displayName": label, "permissions": default, "multivalued": False} for name, label in names]
    attributes += [
        {"name": name, "displayName": name, "permissions": admin_only, "multivalued": False} for name in PERSON_CLAIMS
    ]
    return {"attributes": attributes, "groups": []}


def realm() -> dict:
    organisations = json.loads(ORGANISATIONS.read_text())["organisations"]
    by_id = {organisation["id"]: organisation for organisation in organisations}
    profile = json.dumps(user_profile(), separators=(",", ":"))
    return {
        "realm": REALM,
        "displayName": "Signaalketen (lokaal en test)",
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": False,
        "resetPasswordAllowed": False,
        "rememberMe": False,
        "loginWithEmailAllowed": False,
        "bruteForceProtected": True,
        "accessTokenLifespan": TOKEN_LIFESPAN_SECONDS,
        "ssoSessionIdleTimeout": 1800,
        "internationalizationEnabled": True,
        "supportedLocales": ["nl", "en"],
        "defaultLocale": "nl",
        "clients": [*(partner_client(o) for o in organisations), register_client(), portal_client()],
        "users": [person(u, first, last, by_id[org], number) for u, first, last, org, number in PEOPLE],
        "components": {
            "org.keycloak.userprofile.UserProfileProvider": [
                {"providerId": "declarative-user-profile", "subComponents": {}, "config": {"kc.user.profile.config": [profile]}}
            ]
        },
    }


def with_generated_secrets(document: dict) -> tuple[dict, dict]:
    """The realm with a random secret for every client and a random password for every
    person (for a run that must not use the development ones), and those secrets."""
    clients = {client["clientId"]: secrets.token_urlsafe(32) for client in document["clients"]}
    people = {user["username"]: secrets.token_urlsafe(24) for user in document["users"]}
    changed = {
        **document,
        "clients": [{**client, "secret": clients[client["clientId"]]} for client in document["clients"]],
        "users": [
            {**user, "credentials": [{"type": "password", "value": people[user["username"]], "temporary": False}]}
            for user in document["users"]
        ],
    }
    return changed, {"clients": clients, "users": people}


def render(document: dict | None = None) -> str:
    return json.dumps(document or realm(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.keycloak.realm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed realm file is stale")
    parser.add_argument("--generate-secrets", metavar="SECRETS_JSON", type=Path,
                        help="write a realm with random secrets and passwords to --output, and them to SECRETS_JSON")
    parser.add_argument("--output", type=Path, default=REALM_FILE, help="where to write the realm (default: the committed file)")
    options = parser.parse_args(argv)
    if options.check:
        if REALM_FILE.read_text() != render():
            print(f"{REALM_FILE} is stale: run python -m deploy.keycloak.realm", file=sys.stderr)
            return 1
        return 0
    document = realm()
    if options.generate_secrets:
        if options.output == REALM_FILE:
            parser.error("--generate-secrets needs an --output other than the committed realm file")
        document, generated = with_generated_secrets(document)
        options.generate_secrets.parent.mkdir(parents=True, exist_ok=True)
        options.generate_secrets.write_text(json.dumps(generated, indent=2) + "\n")
        options.generate_secrets.chmod(0o600)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(render(document))
    print(f"wrote {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
