"""Every secret of the run, generated for it and nothing `dev-…`: the realm's client secrets
and passwords (deploy/keycloak/realm.py --generate-secrets), the chain's own secrets as a
deployment generates them (deploy/production/env_file.py: pseudonym key, two Fernet
address keys, the scraper's metrics token, the monitor's link key), an organisations file without any keys (people and systems come through Keycloak), and the receivers'
TLS certificates."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy.production.env_file import chain_secrets
from tests.production.tls import RunCertificates, make_certificates
from tests.support.processes import REPO
from tests.support.production import organisations_without_keys

PORTAL_CLIENT = "signaalketen-portal"
REGISTER_CLIENT = "signaalketen-register-client"  # triage's client at the register


@dataclass(frozen=True)
class RunSecrets:
    realm_file: Path
    clients: dict[str, str]  # client id -> secret (Keycloak)
    passwords: dict[str, str]  # username -> password (Keycloak)
    organisations_file: Path
    pseudonym_key: str
    address_keys: str
    link_key: str
    metrics_token: str
    certificates: RunCertificates

    @property
    def portal_client_secret(self) -> str:
        return self.clients[PORTAL_CLIENT]

    @property
    def register_client_secret(self) -> str:
        return self.clients[REGISTER_CLIENT]


def generate(directory: Path) -> RunSecrets:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    realm, generated = directory / "realm.json", directory / "realm-secrets.json"
    subprocess.run(
        [sys.executable, "-m", "deploy.keycloak.realm", "--output", str(realm), "--generate-secrets", str(generated)],
        cwd=REPO, check=True, capture_output=True, text=True,
    )  # fmt: skip
    document = json.loads(generated.read_text())
    chain = chain_secrets()
    return RunSecrets(
        realm_file=realm,
        clients=document["clients"],
        passwords=document["users"],
        organisations_file=organisations_without_keys(directory),
        pseudonym_key=chain["SIGNAL_PSEUDONYM_KEY"],
        address_keys=chain["SIGNAL_ADDRESS_KEYS"],
        link_key=chain["MONITOR_LINK_KEY"],
        metrics_token=chain["SIGNAL_METRICS_TOKEN"],
        certificates=make_certificates(directory / "tls"),
    )
