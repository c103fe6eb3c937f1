"""The reader of test_no_derivation.py must be a real attacker: if it pinned nothing, that
test would pass for any publication. Here it is given tables where a suppressed figure can
be recovered, by subtraction, by elimination over several relations, or by narrowing, and
one where it cannot."""

from tests.unit.monitor.attack import INFINITY, recover

SMALL, LARGE, ANY = (1, 4), (5, INFINITY), (0, INFINITY)


def test_a_suppressed_part_is_recovered_by_subtracting_the_other_part_from_the_total():
    assert recover({"total": 10, "b": 6}, {"a": SMALL}, [("total", ["a", "b"])]) == {"a": 4}


def test_three_hidden_cells_are_recovered_by_elimination_over_three_published_sums():
    relations = [("ab", ["a", "b"]), ("ac", ["a", "c"]), ("bc", ["b", "c"])]
    pinned = recover({"ab": 9, "ac": 8, "bc": 7}, {"a": ANY, "b": ANY, "c": ANY}, relations)
    assert pinned == {"a": 5, "b": 4, "c": 3}


def test_a_cell_counted_twice_in_one_total_is_recovered_by_halving():
    assert recover({"total": 8}, {"a": ANY}, [("total", ["a", "a"])]) == {"a": 4}


def test_bounds_alone_recover_two_small_parts_of_a_total_of_two():
    assert recover({"total": 2}, {"a": SMALL, "b": SMALL}, [("total", ["a", "b"])]) == {"a": 1, "b": 1}


def test_two_suppressed_parts_of_a_published_total_stay_hidden():
    assert recover({"total": 12}, {"a": LARGE, "b": LARGE}, [("total", ["a", "b"])]) == {}
