"""The Keycloak realm of the local and test runs is generated from the organisations file
(deploy/keycloak/realm.py): the committed file is the generated one, and every
organisation's client puts its organisation, role and the chain's audience in tokens."""

from __future__ import annotations

import json

from deploy.keycloak import realm
from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE


def test_the_committed_realm_file_is_the_generated_one():
    assert realm.REALM_FILE.read_text() == realm.render(), "regenerate: .venv/bin/python -m deploy.keycloak.realm"


def claims_of(client: dict) -> dict[str, str]:
    found = {}
    for mapper in client["protocolMappers"]:
        config = mapper["config"]
        if mapper["protocolMapper"] == "oidc-hardcoded-claim-mapper":
            found[config["claim.name"]] = config["claim.value"]
        if mapper["protocolMapper"] == "oidc-audience-mapper":
            found["aud"] = config["included.custom.audience"]
    return found


def test_every_organisation_has_a_confidential_client_credentials_client_naming_it():
    document = json.loads(realm.REALM_FILE.read_text())
    clients = {client["clientId"]: client for client in document["clients"]}
    for organisation in Organisations.load(DEV_ORGANISATIONS_FILE):
        client = clients[organisation.id]
        assert client["serviceAccountsEnabled"] and not client["publicClient"]
        assert not client["standardFlowEnabled"] and not client["directAccessGrantsEnabled"]
        assert claims_of(client) == {"organisation": organisation.id, "role": organisation.role.value, "aud": "urn:nld:signaalketen"}


def test_the_portal_uses_the_code_flow_with_pkce_and_people_carry_their_organisation():
    document = json.loads(realm.REALM_FILE.read_text())
    portal = next(client for client in document["clients"] if client["clientId"] == realm.PORTAL_CLIENT)
    assert portal["standardFlowEnabled"] and not portal["implicitFlowEnabled"] and not portal["directAccessGrantsEnabled"]
    assert portal["attributes"]["pkce.code.challenge.method"] == "S256"
    organisations = Organisations.load(DEV_ORGANISATIONS_FILE)
    for user in document["users"]:
        attributes = {name: values[0] for name, values in user["attributes"].items()}
        assert organisations.get(attributes["organisation"]).role.value == attributes["role"]
        assert attributes["employee_number"] and user["firstName"] and user["lastName"]


def test_a_realm_for_a_run_like_production_has_no_development_secret_left():
    document, generated = realm.with_generated_secrets(realm.realm())
    text = json.dumps(document)
    assert '"dev-' not in text
    assert {client["clientId"]: client["secret"] for client in document["clients"]} == generated["clients"]
    assert {user["username"]: user["credentials"][0]["value"] for user in document["users"]} == generated["users"]
    assert len(set(generated["clients"].values())) == len(generated["clients"])
