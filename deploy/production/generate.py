"""Writes the two files docker-compose.yml mounts, from the development ones, so they cannot
drift (tests/unit/deploy/test_production_files.py checks the committed files are these):

- `organisations.json`: the chain's organisations (ids, names, roles, municipality codes)
  without any key: in production, systems and people come through the OpenID Connect
  provider, and the services refuse a file holding a development key.
- `realm-signaalketen.json`: the Keycloak realm to import, without a secret or a person.
  Keycloak generates each partner client's secret at the import (the administrator hands
  it to the partner: Clients → <id> → Credentials); the secrets of the chain's own clients
  (the portal's and triage's register client) and the portal's address come from
  Keycloak's environment (`${PORTAL_OIDC_CLIENT_SECRET}`, `${TRIAGE_REGISTER_CLIENT_SECRET}`,
  `${PORTAL_PUBLIC_URL}`: the import replaces such placeholders); people come from the municipality's own accounts
  (user federation, or created by an administrator with the attributes organisation,
  role and employee_number).

    .venv/bin/python -m deploy.production.generate            # rewrite both
    .venv/bin/python -m deploy.production.generate --check    # exit 1 when one is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from deploy.keycloak import realm as development_realm

HERE = Path(__file__).resolve().parent
ORGANISATIONS_FILE = HERE / "organisations.json"
REALM_FILE = HERE / "realm-signaalketen.json"
PORTAL_SECRET = "${PORTAL_OIDC_CLIENT_SECRET}"
PORTAL_URL = "${PORTAL_PUBLIC_URL}"
REGISTER_CLIENT_SECRET = "${TRIAGE_REGISTER_CLIENT_SECRET}"


def organisations() -> dict:
    document = json.loads(development_realm.ORGANISATIONS.read_text())
    return {**document, "organisations": [{**item, "api_key_sha256": []} for item in document["organisations"]]}


def _client(client: dict) -> dict:
    if client["clientId"] == development_realm.REGISTER_CLIENT:
        return {**client, "secret": REGISTER_CLIENT_SECRET}
    if client["clientId"] != development_realm.PORTAL_CLIENT:
        return {key: value for key, value in client.items() if key != "secret"}
    attributes = {**client["attributes"], "post.logout.redirect.uris": f"{PORTAL_URL}/*"}
    return {**client, "secret": PORTAL_SECRET, "redirectUris": [f"{PORTAL_URL}/auth/callback"], "attributes": attributes}


def realm() -> dict:
    document = development_realm.realm()
    return {
        **document,
        "displayName": "Signaalketen",
        "clients": [_client(client) for client in document["clients"]],
        "users": [],
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def files() -> dict[Path, str]:
    return {ORGANISATIONS_FILE: render(organisations()), REALM_FILE: render(realm())}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.production.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is stale")
    options = parser.parse_args(argv)
    stale = [path for path, text in files().items() if not path.exists() or path.read_text() != text]
    if options.check:
        for path in stale:
            print(f"{path} is stale: run python -m deploy.production.generate", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files().items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
