"""An address without a BAG id: postcode + huisnummer with a gemeentecode. Neither, or a
gemeentecode that contradicts the BAG id, is a 400 naming the field, single and batch alike."""

from __future__ import annotations

import pytest

from shared.contracts.envelope import decode
from shared.privacy import household_pseudonym, postcode_identification
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.apps import key, running
from tests.support.wait import wait_for

BY_POSTCODE = {"postcode": "8911AB", "huisnummer": 12, "huisletter": "a", "gemeentecode": "0080"}


def arrears(address: dict) -> dict:
    return {"type": "arrears.reported", "address": address, "observed_on": "2026-11-27", "months": 2, "amount_eur": "1450.00"}


async def test_a_postcode_address_is_accepted_keyed_on_the_postcode_and_sealed(app, bus):
    async with running(app) as client:
        response = await client.post("/v1/signals", json=arrears(BY_POSTCODE), headers=key("woonfriesland"))
        assert response.status_code == 202, response.text
        [record] = await wait_for(lambda: _signals(bus), what="signal on the bus")
    event = decode(record.value)
    expected = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), postcode_identification("8911AB", 12, "A", gemeentecode="0080"))
    assert event.subject == expected and event.data.municipality_code == "0080"
    assert b"8911AB" not in record.value
    dwelling = app.state.runtime.address_seal.open(event.data.sealed_address)
    assert dwelling.adresseerbaar_object_id is None and (dwelling.postcode, dwelling.huisnummer) == ("8911AB", 12)
    assert dwelling.gemeentecode == "0080" and dwelling.municipality_code == "0080"


async def _signals(bus):
    return bus.records("signals")


@pytest.mark.parametrize(
    ("address", "field", "kind"),
    [
        ({}, "adresseerbaarObjectIdentificatie", "address_incomplete"),
        ({"huisletter": "A", "gemeentecode": "0080"}, "adresseerbaarObjectIdentificatie", "address_incomplete"),
        ({"postcode": "8911AB", "gemeentecode": "0080"}, "huisnummer", "missing"),
        ({"huisnummer": 12, "gemeentecode": "0080"}, "postcode", "missing"),
        ({"postcode": "8911AB", "huisnummer": 12}, "gemeentecode", "missing"),
        ({"adresseerbaarObjectIdentificatie": "0080019999000001", "gemeentecode": "0363"}, "gemeentecode", "gemeentecode_mismatch"),
        ({**BY_POSTCODE, "gemeentecode": "80"}, "gemeentecode", "string_pattern_mismatch"),
        ({**BY_POSTCODE, "huisnummertoevoeging": "2/3"}, "huisnummertoevoeging", "string_pattern_mismatch"),
    ],
)
async def test_an_address_that_names_no_dwelling_is_a_400_naming_the_field(app, bus, address, field, kind):
    async with running(app) as client:
        single = await client.post("/v1/signals", json=arrears(address), headers=key("woonfriesland"))
        batch = await client.post(
            "/v1/signals/batch", json={"signals": [arrears(BY_POSTCODE), arrears(address)]}, headers=key("woonfriesland")
        )
    assert single.status_code == 400
    [error] = single.json()["invalid-params"]
    assert error["loc"] == ["body", "arrears.reported", "address", field] and error["type"] == kind
    assert batch.status_code == 200, batch.text
    result = batch.json()
    assert [row["index"] for row in result["accepted"]] == [0]
    [rejected] = result["rejected"]
    assert rejected["index"] == 1
    assert [(e["loc"], e["type"]) for e in rejected["errors"]] == [(["body", "signals", 1, "arrears.reported", "address", field], kind)]


async def test_a_bag_id_with_its_own_gemeentecode_is_accepted_and_keyed_on_the_bag_id(app, bus):
    address = {"adresseerbaarObjectIdentificatie": "0080019999000001", "gemeentecode": "0080", "postcode": "8911AB", "huisnummer": 12}
    async with running(app) as client:
        response = await client.post("/v1/signals", json=arrears(address), headers=key("woonfriesland"))
        assert response.status_code == 202, response.text
        [record] = await wait_for(lambda: _signals(bus), what="signal on the bus")
    event = decode(record.value)
    assert event.subject == household_pseudonym(DEV_PSEUDONYM_KEY.encode(), "0080019999000001")
