"""Keyed pseudonyms of the persons the register lists at a dwelling: how triage knows
the same family at another address without keeping a BSN (docs/adr/0038).

An HMAC-SHA256 of the BSN under triage's own key (`TRIAGE_PERSON_KEY`, not the chain's
pseudonym key: no other service can compute or confirm one). The BSN is read from the
register's answer inside the clients (client.py, bewoning.py) and turned into its
pseudonym there; it never leaves that module, is never stored, logged or published.
The pseudonyms stay in triage's database (`case_person`) and never go on Kafka.
"""

from __future__ import annotations

import hashlib
import hmac

PERSON_PREFIX = "p-"


class PersonPseudonyms:
    def __init__(self, key: bytes):
        if not key:
            raise ValueError("a person pseudonym key is required")
        self._key = key

    def __call__(self, bsn: str) -> str:
        digest = hmac.new(self._key, b"person:" + bsn.strip().encode(), hashlib.sha256).hexdigest()
        return PERSON_PREFIX + digest[:32]
