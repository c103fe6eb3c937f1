"""The small-cell rule and who sees exact counts."""

import pytest

from services.monitor.domain.suppression import SUPPRESSED, publishable, sees_exact, shown


@pytest.mark.parametrize(
    ("count", "published"),
    [(0, 0), (1, SUPPRESSED), (2, SUPPRESSED), (3, SUPPRESSED), (4, SUPPRESSED), (5, 5), (6, 6), (1303, 1303)],
)
def test_counts_from_one_to_four_are_published_as_less_than_five(count, published):
    assert publishable(count) == published


def test_zero_stays_zero_because_nothing_happened_identifies_no_one():
    assert publishable(0) == 0 and isinstance(publishable(0), int)


def test_a_negative_count_is_a_bug_not_a_figure():
    with pytest.raises(ValueError, match="negative"):
        publishable(-1)


def test_exact_output_is_the_count_and_otherwise_the_published_figure():
    assert shown(3, exact=True) == 3
    assert shown(3, exact=False) == SUPPRESSED
    assert shown(7, exact=False) == 7


def test_only_a_municipality_sees_exact_counts_and_only_for_its_own_codes():
    assert sees_exact(True, ["0363"], "0363")
    assert not sees_exact(True, ["0344"], "0363"), "another municipality sees what the public sees"
    assert not sees_exact(False, ["0363"], "0363"), "another role with the same code sees suppressed figures"
    assert not sees_exact(True, [], "0363")
