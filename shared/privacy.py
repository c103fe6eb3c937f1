"""Keyed pseudonyms and sealed addresses: how the chain talks about a household
on Kafka without saying who or where it is.

* `household_pseudonym` is an HMAC-SHA256 of the dwelling identification under a
  secret key. Every service with the key computes the same case key for the same
  dwelling; without the key it cannot be reversed or confirmed by guessing.
* `AddressSeal` encrypts the dwelling identification (Fernet: AES-128-CBC plus
  HMAC-SHA256, from the `cryptography` package) so triage can ask the register
  who lives there. Several keys may be configured: the first encrypts, all
  decrypt, which is how keys are rotated (see docs/adr/0003-privacy-on-the-wire.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PSEUDONYM_PREFIX = "hh-"


def household_pseudonym(key: bytes, dwelling_id: str) -> str:
    digest = hmac.new(key, b"dwelling:" + dwelling_id.strip().encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


@dataclass(frozen=True)
class Dwelling:
    """Where a signal is about. `adresseerbaar_object_id` is the BAG id (16 digits)."""

    adresseerbaar_object_id: str
    postcode: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    toevoeging: str | None = None

    @property
    def municipality_code(self) -> str:
        return self.adresseerbaar_object_id[:4]


class SealBroken(ValueError):
    """The sealed address could not be opened with any configured key."""


class AddressSeal:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one address key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, dwelling: Dwelling) -> str:
        payload = json.dumps(dwelling.__dict__, separators=(",", ":")).encode()
        return self._fernet.encrypt(payload).decode()

    def open(self, token: str) -> Dwelling:
        try:
            payload = self._fernet.decrypt(token.encode())
        except (InvalidToken, ValueError):
            raise SealBroken("sealed address cannot be opened with the configured keys") from None
        return Dwelling(**json.loads(payload))


def generate_address_key() -> str:
    return Fernet.generate_key().decode()
