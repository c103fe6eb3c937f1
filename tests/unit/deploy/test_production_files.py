"""The files a deployment gets from the repository (deploy/production/): the organisations
file and the realm to import are generated from the development ones and hold no secret
and no person; the .env generator writes fresh secrets and refuses http addresses."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from deploy.production import env_file, generate
from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE, organisations_with_development_keys


def test_the_committed_files_are_the_generated_ones():
    for path, text in generate.files().items():
        assert path.read_text() == text, f"{path.name} is stale: .venv/bin/python -m deploy.production.generate"


def test_the_organisations_file_names_every_organisation_and_holds_no_key():
    production = Organisations.load(generate.ORGANISATIONS_FILE)
    development = Organisations.load(DEV_ORGANISATIONS_FILE)
    assert {o.id for o in production} == {o.id for o in development}
    assert organisations_with_development_keys(generate.ORGANISATIONS_FILE) == []
    assert all(item["api_key_sha256"] == [] for item in json.loads(generate.ORGANISATIONS_FILE.read_text())["organisations"])


def test_the_realm_to_import_has_no_secret_no_person_and_the_portal_at_its_public_address():
    realm = json.loads(generate.REALM_FILE.read_text())
    assert realm["users"] == []
    portal = next(c for c in realm["clients"] if c["clientId"] == "signaalketen-portal")
    register = next(c for c in realm["clients"] if c["clientId"] == "signaalketen-register-client")
    others = [c for c in realm["clients"] if c not in (portal, register)]
    assert others and all("secret" not in c and c["publicClient"] is False for c in others), "Keycloak generates them at import"
    assert portal["secret"] == "${PORTAL_OIDC_CLIENT_SECRET}"
    assert register["secret"] == "${TRIAGE_REGISTER_CLIENT_SECRET}" and register["serviceAccountsEnabled"] is True
    assert portal["redirectUris"] == ["${PORTAL_PUBLIC_URL}/auth/callback"]
    assert "dev-" not in generate.REALM_FILE.read_text()


def test_the_env_file_holds_fresh_secrets_each_time():
    first = env_file.compose_env("https://login.example", "https://portal.example", "https://api.example")
    second = env_file.compose_env("https://login.example", "https://portal.example", "https://api.example")
    secrets = [name for name in first if name not in ("KEYCLOAK_HOSTNAME", "PORTAL_PUBLIC_URL", "API_PUBLIC_URL")]
    assert all(first[name] != second[name] for name in secrets)
    for key in first["SIGNAL_ADDRESS_KEYS"].split(","):
        Fernet(key.encode())  # a valid Fernet key, or it raises
    assert len(first["KAFKA_CLUSTER_ID"]) == 22


@pytest.mark.parametrize("keycloak, portal, api", [("http://login.example", "https://p.example", "https://a.example"),
                                                   ("https://login.example", "http://p.example", "https://a.example"),
                                                   ("https://login.example", "https://p.example", "http://a.example")])
def test_the_env_file_refuses_http_addresses(keycloak, portal, api, capsys):
    with pytest.raises(SystemExit):
        env_file.main(["--keycloak-url", keycloak, "--portal-url", portal, "--api-url", api])
    assert "must be an https URL" in capsys.readouterr().err
