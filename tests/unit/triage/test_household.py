"""The family rule (docs/domain.md#what-counts-as-a-family): two or more persons, at least one under 18 on the reference date."""

from datetime import date

import pytest

from services.triage.domain.household import (
    HouseholdAssessment,
    PartialDate,
    Resident,
    assess_household,
    unknown_composition,
)

ON = date(2025, 6, 1)


def born(year: int | None, month: int | None = None, day: int | None = None, *, secret: bool = False) -> Resident:
    return Resident(PartialDate(year, month, day), secret=secret)


ADULT = born(1985, 3, 14)
OTHER_ADULT = born(1987, 11, 2)


def test_two_adults_and_a_child_are_a_family():
    assessment = assess_household([ADULT, OTHER_ADULT, born(2015, 9, 30)], ON)

    assert assessment == HouseholdAssessment(
        persons=3, minors=1, minor_ages=(9,), is_family=True, uncertain=()
    )


def test_a_single_adult_is_not_a_family():
    assessment = assess_household([ADULT], ON)

    assert assessment.is_family is False
    assert (assessment.persons, assessment.minors) == (1, 0)


def test_one_parent_and_a_child_are_a_family():
    assessment = assess_household([ADULT, born(2020, 1, 1)], ON)

    assert assessment.is_family is True
    assert assessment.minor_ages == (5,)


def test_two_adults_without_children_are_not_a_family():
    assert assess_household([ADULT, OTHER_ADULT], ON).is_family is False


def test_a_child_turning_18_on_the_reference_date_is_no_longer_a_minor():
    eighteen_today = born(2007, 6, 1)

    assessment = assess_household([ADULT, eighteen_today], ON)

    assert assessment.is_family is False
    assert assessment.minors == 0


def test_a_child_turning_18_tomorrow_is_still_a_minor():
    assessment = assess_household([ADULT, born(2007, 6, 2)], ON)

    assert assessment.is_family is True
    assert assessment.minor_ages == (17,)


@pytest.mark.parametrize(
    ("on", "minor"),
    [(date(2026, 2, 28), True), (date(2026, 3, 1), False), (date(2028, 2, 29), False)],
)
def test_a_leap_day_child_turns_18_on_1_march_in_a_common_year(on, minor):
    assert assess_household([ADULT, born(2008, 2, 29)], on).is_family is minor


def test_a_year_only_birth_date_near_18_leaves_the_family_status_undecided():
    # Born "2007": on 1 June 2025 the child is 17 (born after 1 June) or 18.
    assessment = assess_household([ADULT, OTHER_ADULT, born(2007)], ON)

    assert assessment.is_family is None
    assert assessment.minors == 0
    assert "birth_date_partial" in assessment.uncertain


def test_a_year_and_month_birth_date_in_the_month_of_the_18th_birthday_is_undecided():
    assessment = assess_household([ADULT, born(2007, 6)], date(2025, 6, 15))

    assert assessment.is_family is None
    assert assessment.uncertain == ("birth_date_partial",)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2025, 12, 31), True), (date(2026, 1, 1), None), (date(2026, 12, 30), None), (date(2026, 12, 31), False)],
)
def test_a_year_only_birth_date_is_decided_outside_the_year_of_the_18th_birthday(on, expected):
    assert assess_household([ADULT, OTHER_ADULT, born(2008)], on).is_family is expected


def test_a_year_only_birth_date_far_from_18_still_counts_with_its_youngest_possible_age():
    assessment = assess_household([ADULT, born(2015)], ON)

    assert assessment.is_family is True
    assert assessment.minor_ages == (9,)
    assert assessment.uncertain == ("minor_age_approximate",)


def test_an_unknown_birth_date_is_undecided_not_adult():
    assessment = assess_household([ADULT, Resident(None)], ON)

    assert assessment.is_family is None
    assert assessment.uncertain == ("birth_date_unknown",)


def test_a_certain_minor_decides_even_with_an_undecided_person():
    assessment = assess_household([ADULT, born(2007), born(2019, 4, 5)], ON)

    assert assessment.is_family is True
    assert assessment.minors == 1  # a lower bound: the 2007 child may be a minor too
    assert "birth_date_partial" in assessment.uncertain


def test_a_child_alone_is_not_a_family():
    assert assess_household([born(2010, 1, 1)], ON).is_family is False


def test_an_empty_dwelling_is_not_a_family():
    assessment = assess_household([], ON)

    assert assessment == HouseholdAssessment(
        persons=0, minors=0, minor_ages=(), is_family=False, uncertain=("no_registered_residents",)
    )


def test_secrecy_does_not_change_the_composition():
    assessment = assess_household([born(1990, 4, 2, secret=True), born(2019, 5, 12, secret=True)], ON)

    assert assessment.is_family is True
    assert assessment.persons == 2


def test_minor_ages_are_sorted_and_a_person_born_after_the_reference_date_counts_as_zero():
    assessment = assess_household([ADULT, born(2012, 1, 1), born(2025, 7, 1), born(2020, 6, 1)], ON)

    assert assessment.minor_ages == (0, 5, 13)


def test_a_possible_child_makes_a_single_adult_undecided():
    assessment = assess_household([ADULT], ON, possible_residents=[born(2016, 2, 2)])

    assert assessment.is_family is None
    assert assessment.persons == 1
    assert assessment.uncertain == ("possible_residents",)


def test_a_possible_adult_does_not_make_a_single_adult_a_family():
    assert assess_household([ADULT], ON, possible_residents=[OTHER_ADULT]).is_family is False


def test_possible_residents_do_not_undo_a_certain_family():
    assessment = assess_household([ADULT, born(2016, 2, 2)], ON, possible_residents=[OTHER_ADULT])

    assert assessment.is_family is True
    assert assessment.uncertain == ()


def test_unknown_composition_when_the_register_cannot_be_reached():
    assert unknown_composition() == HouseholdAssessment(
        persons=0, minors=0, minor_ages=(), is_family=None, uncertain=("register_unavailable",)
    )


@pytest.mark.parametrize(
    ("partial", "earliest", "latest"),
    [
        (PartialDate(2008, 2, 29), date(2008, 2, 29), date(2008, 2, 29)),
        (PartialDate(2008, 2), date(2008, 2, 1), date(2008, 2, 29)),
        (PartialDate(2008), date(2008, 1, 1), date(2008, 12, 31)),
        (PartialDate(None), None, None),
    ],
)
def test_partial_dates_span_every_day_they_could_be(partial, earliest, latest):
    assert (partial.earliest(), partial.latest()) == (earliest, latest)
