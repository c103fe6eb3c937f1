from services.placement.domain.matching import FacilityFacts, best_match

AMSTERDAM = frozenset({"0363", "0384"})
UTRECHT = frozenset({"0344"})


def facility(id, unit_type, free=3, accepts=("one_parent", "two_parent"), region=AMSTERDAM):
    return FacilityFacts(id=id, centre=sorted(region)[0], region=region, unit_type=unit_type, free=free, accepts=frozenset(accepts))


def test_two_parents_get_a_two_parent_family_unit_before_crisis():
    options = [facility("crisis", "crisis"), facility("units", "family_two_parent")]
    assert best_match("two_parent", "0363", options, frozenset()).facility_id == "units"


def test_a_mother_with_children_goes_to_a_unit_that_accepts_one_parent():
    options = [facility("units", "family_two_parent", accepts=("two_parent",)), facility("mwc", "mother_with_children")]
    assert best_match("one_parent", "0363", options, frozenset()).facility_id == "mwc"


def test_full_declined_and_ambulant_units_are_not_offered():
    options = [
        facility("full", "family_two_parent", free=0),
        facility("declined", "family_two_parent"),
        facility("ambulant", "ambulant"),
    ]
    assert best_match("two_parent", "0363", options, frozenset({"declined"})) is None


def test_a_family_from_outside_the_region_is_offered_a_place_but_flagged():
    match = best_match("two_parent", "0599", [facility("units", "family_two_parent")], frozenset())
    assert match.facility_id == "units" and match.out_of_region


def test_inside_the_region_comes_first():
    options = [facility("utrecht", "family_two_parent", free=40, region=UTRECHT), facility("amsterdam", "crisis", free=1)]
    match = best_match("two_parent", "0363", options, frozenset())
    assert match.facility_id == "amsterdam" and not match.out_of_region
