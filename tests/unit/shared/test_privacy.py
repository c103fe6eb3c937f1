import pytest

from shared.privacy import AddressSeal, Dwelling, SealBroken, generate_address_key, household_pseudonym


def test_the_pseudonym_is_stable_per_dwelling_and_depends_on_the_key():
    a = household_pseudonym(b"key-1", "0363010001004477")
    assert a == household_pseudonym(b"key-1", "0363010001004477")
    assert a != household_pseudonym(b"key-2", "0363010001004477")
    assert a != household_pseudonym(b"key-1", "0363010001004478")
    assert a.startswith("hh-") and "0363010001004477" not in a


def test_a_sealed_address_opens_with_any_configured_key_so_keys_can_rotate():
    old, new = generate_address_key(), generate_address_key()
    sealed_with_old = AddressSeal([old]).seal(Dwelling("0363010001004477", postcode="1069JD"))
    rotated = AddressSeal([new, old])
    assert rotated.open(sealed_with_old).postcode == "1069JD"
    assert "0363010001004477" not in rotated.seal(Dwelling("0363010001004477"))
    with pytest.raises(SealBroken):
        AddressSeal([new]).open(sealed_with_old)
