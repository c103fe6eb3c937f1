"""Keyed pseudonyms and sealed addresses: how the chain talks about a household
on Kafka without saying who or where it is.

* `household_pseudonym` is an HMAC-SHA256 of the dwelling identification under a
  secret key. Every service with the key computes the same case key for the same
  dwelling; without the key it cannot be reversed or confirmed by guessing.
  The identification is the BAG id, or, for a signal that carries none, the
  normalised postcode address (`Dwelling.identification`). Triage joins such a
  signal to the BAG-keyed case once the register has told it the BAG id.
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


POSTCODE_IDENTIFICATION_PREFIX = "postcode:"


def postcode_identification(
    postcode: str,
    huisnummer: int,
    huisletter: str | None = None,
    toevoeging: str | None = None,
    gemeentecode: str | None = None,
) -> str:
    """The normalised postcode address a pseudonym is keyed on when there is no BAG id.

    Case, spaces and a missing letter or addition never make two keys for one
    address: `1011 ab`, 12, `a` and `1011AB`, 12, `A` are the same dwelling. The
    municipality is part of the key: a postcode does not always stay inside one
    municipality, so the same postcode and number in two municipalities are two
    dwellings (two cases). The prefix keeps it apart from any BAG id (16 digits)."""
    parts = (
        postcode.replace(" ", "").upper(),
        str(int(huisnummer)),
        (huisletter or "").strip().upper(),
        (toevoeging or "").strip().upper(),
    )
    where = f"{gemeentecode}/" if gemeentecode else ""
    return POSTCODE_IDENTIFICATION_PREFIX + where + ":".join(parts)


@dataclass(frozen=True)
class Dwelling:
    """Where a signal is about: the BAG id (16 digits), or postcode and house number
    (then `gemeentecode` says the municipality, which a BAG id carries in its first
    four digits). Tokens sealed before the BAG id became optional open unchanged."""

    adresseerbaar_object_id: str | None = None
    postcode: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    toevoeging: str | None = None
    gemeentecode: str | None = None

    def __post_init__(self):
        if not self.adresseerbaar_object_id and not (self.postcode and self.huisnummer):
            raise ValueError("a dwelling needs a BAG id, or a postcode and a house number")

    @property
    def municipality_code(self) -> str | None:
        if self.adresseerbaar_object_id:
            return self.adresseerbaar_object_id[:4]
        return self.gemeentecode

    @property
    def identification(self) -> str:
        """What the case pseudonym is keyed on: the BAG id when known, else the postcode address."""
        if self.adresseerbaar_object_id:
            return self.adresseerbaar_object_id
        return postcode_identification(self.postcode, self.huisnummer, self.huisletter, self.toevoeging, self.gemeentecode)


def dwelling_pseudonym(key: bytes, dwelling: Dwelling) -> str:
    """The case key of a dwelling: BAG-keyed when the BAG id is known, else postcode-keyed."""
    return household_pseudonym(key, dwelling.identification)


class SealBroken(ValueError):
    """The sealed address could not be opened with any configured key."""


class AddressSeal:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one address key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, dwelling: Dwelling) -> str:
        # Unset fields are left out, so a BAG-keyed token reads the same as before `gemeentecode` existed.
        fields = {name: value for name, value in dwelling.__dict__.items() if value is not None}
        payload = json.dumps(fields, separators=(",", ":")).encode()
        return self._fernet.encrypt(payload).decode()

    def open(self, token: str) -> Dwelling:
        try:
            payload = self._fernet.decrypt(token.encode())
        except (InvalidToken, ValueError):
            raise SealBroken("sealed address cannot be opened with the configured keys") from None
        fields = json.loads(payload)
        try:
            return Dwelling(**fields)
        except (TypeError, ValueError):
            raise SealBroken("sealed address holds no usable dwelling") from None


def generate_address_key() -> str:
    return Fernet.generate_key().decode()
