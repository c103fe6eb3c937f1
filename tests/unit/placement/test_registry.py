"""The seeded registry follows the report's tables and the unit-type vocabulary."""

import json

from services.placement.domain.registry import HouseholdType, UnitType, waitlist_centre
from services.placement.settings import DEFAULT_SEED

SEED = json.loads(DEFAULT_SEED.read_text())
REGIONS = {centre: frozenset(codes) for centre, codes in SEED["regions"].items()}


def test_every_seeded_facility_uses_the_vocabulary():
    for facility in SEED["facilities"]:
        assert facility["unit_type"] in set(UnitType), facility["id"]
        assert set(facility["accepts"]) <= set(HouseholdType), facility["id"]
        assert facility["centre"] in REGIONS and facility["centre"] in REGIONS[facility["centre"]]
        assert facility["capacity"] >= 0


def test_all_four_cities_have_facilities():
    assert {f["centre"] for f in SEED["facilities"]} == {"0363", "0344", "0080", "0828"}


def test_amsterdam_has_twenty_two_parent_family_units_at_de_roggeveen():
    [units] = [f for f in SEED["facilities"] if f["unit_type"] == "family_two_parent" and f["centre"] == "0363"]
    assert units["name"].startswith("De Roggeveen") and units["capacity"] == 20 and units["accepts"] == ["two_parent"]


def test_a_family_waits_in_its_own_region():
    assert waitlist_centre("0394", ["0363"], REGIONS) == ("0363", False)  # Haarlemmermeer: Amsterdam's region
    assert waitlist_centre("1721", ["0344"], REGIONS) == ("0828", False)  # Bernheze: Oss's region, whoever asks


def test_a_family_from_outside_every_region_waits_where_its_ggd_works_flagged():
    assert waitlist_centre("0599", ["0363"], REGIONS) == ("0363", True)  # Rotterdam family, GGD Amsterdam
    assert waitlist_centre("0599", [], REGIONS) == (None, True)
