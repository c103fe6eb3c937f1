"""Pseudonyms and seals for a dwelling known only by postcode and house number."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from shared.privacy import AddressSeal, Dwelling, dwelling_pseudonym, generate_address_key, household_pseudonym, postcode_identification

KEY = b"test-pseudonym-key"


def test_the_postcode_address_is_normalised_before_it_is_keyed():
    assert postcode_identification("8911 ab", 12, "a", " 2 ") == postcode_identification("8911AB", 12, "A", "2")
    assert postcode_identification("8911AB", 12) != postcode_identification("8911AB", 12, "A")
    assert postcode_identification("8911AB", 12, None, "2") != postcode_identification("8911AB", 122)
    assert postcode_identification("8911AB", 12).startswith("postcode:")


def test_the_same_postcode_and_number_in_two_municipalities_are_two_dwellings():
    assert postcode_identification("8911AB", 12, gemeentecode="0080") != postcode_identification("8911AB", 12, gemeentecode="0086")
    assert postcode_identification("8911 ab", 12, gemeentecode="0080") == postcode_identification("8911AB", 12, gemeentecode="0080")


def test_a_dwelling_is_keyed_on_its_bag_id_when_known_else_on_its_postcode_address():
    with_bag = Dwelling("0080019999000001", postcode="8911AB", huisnummer=12)
    by_postcode = Dwelling(postcode="8911AB", huisnummer=12, gemeentecode="0080")
    assert dwelling_pseudonym(KEY, with_bag) == household_pseudonym(KEY, "0080019999000001")
    assert dwelling_pseudonym(KEY, by_postcode) == household_pseudonym(KEY, postcode_identification("8911AB", 12, gemeentecode="0080"))
    assert dwelling_pseudonym(KEY, by_postcode) != dwelling_pseudonym(KEY, with_bag)
    assert with_bag.municipality_code == by_postcode.municipality_code == "0080"
    with pytest.raises(ValueError):
        Dwelling(postcode="8911AB")


def test_postcode_dwellings_seal_and_tokens_sealed_before_still_open():
    key = generate_address_key()
    seal = AddressSeal([key])
    by_postcode = Dwelling(postcode="8911AB", huisnummer=12, huisletter="A", gemeentecode="0080")
    assert seal.open(seal.seal(by_postcode)) == by_postcode
    # A token as sealed before the BAG id was optional: every field, no gemeentecode.
    old = {"adresseerbaar_object_id": "0363010001004477", "postcode": "1069JD", "huisnummer": 12, "huisletter": None, "toevoeging": None}
    token = Fernet(key.encode()).encrypt(json.dumps(old).encode()).decode()
    assert seal.open(token) == Dwelling("0363010001004477", postcode="1069JD", huisnummer=12)
    # A BAG-keyed dwelling seals without the new field, so an older reader opens it too.
    payload = json.loads(Fernet(key.encode()).decrypt(seal.seal(Dwelling("0363010001004477")).encode()))
    assert payload == {"adresseerbaar_object_id": "0363010001004477"}
