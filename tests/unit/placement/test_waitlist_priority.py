"""The waiting list's order and who gets a freed unit: pure rules, no database."""

import uuid
from datetime import UTC, datetime, timedelta

from services.placement.domain.matching import FacilityFacts
from services.placement.domain.waitlist import WaitingFamily, ordered, plan_offers, positions, priority

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
AMSTERDAM = frozenset({"0363", "0384"})
UTRECHT = frozenset({"0344"})


def family(days=0, minors=2, crisis=True, centre="0363", family_type="two_parent", code="0363", declined=()):
    return WaitingFamily(
        request_id=uuid.uuid4(),
        minors=minors,
        crisis=crisis,
        waiting_since=NOW - timedelta(days=days),
        centre=centre,
        family_type=family_type,
        municipality_code=code,
        declined=frozenset(declined),
    )


def units(id="units", free=1, region=AMSTERDAM, unit_type="family_two_parent", accepts=("two_parent",)):
    return FacilityFacts(id=id, centre=sorted(region)[0], region=region, unit_type=unit_type, free=free, accepts=frozenset(accepts))


def test_minors_come_first_then_crisis_then_the_longest_wait():
    adults_only_long_wait = family(days=40, minors=0)
    planned_with_children = family(days=30, crisis=False)
    crisis_short_wait = family(days=1)
    crisis_long_wait = family(days=9)
    order = ordered([adults_only_long_wait, planned_with_children, crisis_short_wait, crisis_long_wait])
    assert order == [crisis_long_wait, crisis_short_wait, planned_with_children, adults_only_long_wait]


def test_the_order_is_total_for_families_alike():
    twins = [family(days=3) for _ in range(3)]
    twins = [WaitingFamily(**{**t.__dict__, "waiting_since": NOW}) for t in twins]
    assert ordered(twins) == ordered(list(reversed(twins)))


def test_positions_are_counted_per_centre_and_a_family_on_no_list_has_none():
    first_ams, second_ams = family(days=5), family(days=2)
    first_utr = family(days=1, centre="0344", code="0344")
    nowhere = family(days=50, centre=None, code="9999")
    found = positions([second_ams, first_utr, nowhere, first_ams])
    assert found == {first_ams.request_id: 1, second_ams.request_id: 2, first_utr.request_id: 1}


def test_priority_explains_the_place():
    explained = priority(family(days=3, minors=0, crisis=False), NOW)
    assert (explained.minors_present, explained.crisis, explained.days_waiting) == (False, False, 3)


def test_a_freed_unit_goes_to_the_highest_priority_family_it_fits():
    long_wait, short_wait = family(days=10), family(days=1)
    one_parent = family(days=30, family_type="one_parent")  # waits longest but the unit does not take one-parent families
    [(request_id, match)] = plan_offers([short_wait, one_parent, long_wait], [units(free=1)])
    assert request_id == long_wait.request_id and match.facility_id == "units"


def test_two_free_units_go_to_the_first_two_and_no_family_twice():
    a, b, c = family(days=3), family(days=2), family(days=1)
    planned = plan_offers([c, b, a], [units(free=2)])
    assert [request_id for request_id, _ in planned] == [a.request_id, b.request_id]


def test_a_family_that_declined_the_facility_is_skipped():
    declined, next_in_line = family(days=9, declined=("units",)), family(days=1)
    [(request_id, _match)] = plan_offers([declined, next_in_line], [units(free=1)])
    assert request_id == next_in_line.request_id


def test_the_regions_own_families_go_before_a_family_from_elsewhere():
    from_utrecht = family(days=20, centre="0344", code="0344")  # longer wait, but from outside Amsterdam's region
    from_amsterdam = family(days=1)
    [(request_id, match)] = plan_offers([from_utrecht, from_amsterdam], [units(free=1)])
    assert request_id == from_amsterdam.request_id and not match.out_of_region


def test_a_family_from_elsewhere_gets_a_unit_nobody_in_the_region_fits_flagged():
    from_utrecht = family(days=2, centre="0344", code="0344")
    [(request_id, match)] = plan_offers([from_utrecht], [units(free=1)])
    assert request_id == from_utrecht.request_id and match.out_of_region


def test_nothing_free_nothing_offered():
    assert plan_offers([family()], [units(free=0), units(id="ambulant", unit_type="ambulant", free=9)]) == []
