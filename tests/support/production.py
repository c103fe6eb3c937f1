"""What a test needs to run a service with production settings: an organisations file
without development keys (as a deployment has it) and tokens from an OpenID Connect
issuer (tests/support/issuer_server.py)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from shared.settings import DEV_ORGANISATIONS_FILE
from tests.support.issuer_server import IssuerServer


def organisations_without_keys(directory: Path) -> Path:
    """The development organisations as a deployment would have them: no keys at all."""
    document = json.loads(DEV_ORGANISATIONS_FILE.read_text())
    for organisation in document["organisations"]:
        organisation["api_key_sha256"] = []
    path = directory / "organisations.json"
    path.write_text(json.dumps(document))
    return path


def bearer_from(issuer: IssuerServer, now: datetime, organisation: str, role: str) -> dict[str, str]:
    """The Authorization header of a partner system's client-credentials token."""
    return {"Authorization": f"Bearer {issuer.sign(issuer.claims(now, organisation, role))}"}
