"""The partner organisations of a deployment and their API keys.

Loaded from a JSON file (SIGNAL_ORGANISATIONS_FILE). Keys are stored as
SHA-256 hashes, so the file can be read by operators without leaking keys.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    CORPORATION = "corporation"
    BAILIFF = "bailiff"
    POLICE = "police"
    PREVENTION_TEAM = "prevention_team"
    GGD = "ggd"
    SHELTER = "shelter"
    MUNICIPALITY = "municipality"
    PRIVACY_OFFICER = "privacy_officer"  # functionaris gegevensbescherming: reads the audit log only


class Organisation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    name: str
    role: Role
    urn: str = Field(pattern=r"^urn:nld:(oin|kvk):\d+$", description="OIN or KvK URN")
    system: str = Field("signaalketen", pattern=r"^[a-z0-9\-]+$")
    municipality_codes: list[str] = []
    api_key_sha256: list[str] = []

    @property
    def source_urn(self) -> str:
        return f"{self.urn}:systeem:{self.system}"


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Organisations:
    def __init__(self, organisations: list[Organisation]):
        self._by_id = {org.id: org for org in organisations}
        self._by_key_hash = {digest: org for org in organisations for digest in org.api_key_sha256}

    @classmethod
    def load(cls, path: Path) -> Organisations:
        document = json.loads(path.read_text())
        return cls([Organisation.model_validate(item) for item in document["organisations"]])

    def get(self, org_id: str) -> Organisation | None:
        return self._by_id.get(org_id)

    def by_api_key(self, key: str) -> Organisation | None:
        return self._by_key_hash.get(hash_api_key(key))

    def __iter__(self):
        return iter(self._by_id.values())
