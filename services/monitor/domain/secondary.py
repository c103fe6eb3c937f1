"""Secondary (complementary) cell suppression by the hypercube method (Repsilber's
GHMITER, as in tau-ARGUS), for a table of flat hierarchies: every dimension has parts and
one total, and every published figure is a cell of that table.

A *primary* cell (1 to 4) is published as "<5". For each primary cell `p` a hypercube is
chosen: in every dimension one other label (another part, or the total), and all 2^K
corners of the box spanned by `p` and those labels are suppressed too. Adding +1 and -1
alternately on the corners (the sign flips along a dimension between two parts, and stays
between a part and its total) keeps every published total and every published cell as it
is. So unless that change breaks what a reader knows of the suppressed cells, `p` can be
one more or one less than it is: no subtraction, of any published cells, recovers it.

What a reader knows of a suppressed cell, and what the change must therefore respect:
- "<5" (primary): 1 to 4;
- "x" (secondary): 5 or more (zeros are published, and never chosen as complements);
- a hidden cell (never published, e.g. the part of a city's count in no published
  district): 0 or more, or of either sign for a signed part (a rest: a total's own count
  minus its parts, for totals that are not exactly their parts). When it is 0 a reader may
  know that (every signal named its district; a year closed with every scheduled eviction
  ended), so a hidden 0 is taken as known and never moved.
When no hypercube fits (a tiny table whose small cells and totals are all under 5, so the
bounds alone pin a cell) the whole table is withheld. The cheapest hypercube that respects
those bounds is chosen (the fewest newly suppressed
counts, preferring cells suppressed already). Each secondary cell is a corner of such a
hypercube, so it moves with it and cannot be recovered either. Pure: no database.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

TOTAL = "*"  # the total label of every dimension
SEARCH_BUDGET = 100  # hypercubes looked at per primary cell once one that fits was found
PRIMARY_LOW, PRIMARY_HIGH, SECONDARY_LOW = 1, 4, 5

Label = Hashable
Coord = tuple[Label, ...]


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # shown as "<5"
    SECONDARY = "secondary"  # shown as "x": suppressed to protect a primary cell
    HIDDEN = "hidden"  # never published; more than 0
    SIGNED = "signed"  # never published; not 0, either sign
    FIXED = "fixed"  # never published, and taken as known to a reader all the same (0)
    WITHHELD = "withheld"  # no hypercube fitted: the whole table is withheld


@dataclass(frozen=True)
class Dimension:
    parts: tuple[Label, ...]
    hidden: frozenset[Label] = frozenset()  # parts never published
    signed: bool = False  # hidden parts may be below 0


def complete(dimensions: Sequence[Dimension], counts: Mapping[Coord, int]) -> dict[Coord, int]:
    """Every cell of the table, totals included, from the counts of the parts (absent: 0)."""
    values = {coord: 0 for coord in itertools.product(*((*d.parts, TOTAL) for d in dimensions))}
    for coord, count in counts.items():
        for mask in itertools.product((False, True), repeat=len(dimensions)):
            values[tuple(TOTAL if up else label for label, up in zip(coord, mask))] += count
    return values


def protect(dimensions: Sequence[Dimension], values: Mapping[Coord, int]) -> dict[Coord, Status]:
    status = {coord: _initial(dimensions, coord, value) for coord, value in values.items()}
    for primary in sorted((c for c, s in status.items() if s is Status.PRIMARY), key=repr):
        corners = _best_hypercube(dimensions, values, status, primary)
        if corners is None:
            return {c: s if s in _NEVER_PUBLISHED else Status.WITHHELD for c, s in status.items()}
        for corner in corners:
            if status[corner] is Status.PUBLISHED:
                status[corner] = Status.SECONDARY
    return status


_NEVER_PUBLISHED = (Status.HIDDEN, Status.SIGNED, Status.FIXED)


def _initial(dimensions: Sequence[Dimension], coord: Coord, value: int) -> Status:
    hidden_in = [d for label, d in zip(coord, dimensions) if label in d.hidden]
    if hidden_in:
        if value == 0:
            return Status.FIXED
        return Status.SIGNED if any(d.signed for d in hidden_in) else Status.HIDDEN
    return Status.PRIMARY if PRIMARY_LOW <= value <= PRIMARY_HIGH else Status.PUBLISHED


def _best_hypercube(dimensions, values, status, primary: Coord) -> list[Coord] | None:
    options = [_partners(dimensions, values, status, primary, k) for k in range(len(dimensions))]
    best: tuple[int, list[Coord]] | None = None
    for tried, choice in enumerate(itertools.product(*options)):
        corners = _corners(primary, choice)
        cost = _cost(values, status, corners)
        if cost is not None and (best is None or cost < best[0]):
            best = (cost, [corner for corner, _ in corners])
            if cost == 0:
                break
        if best is not None and tried >= SEARCH_BUDGET:
            break
    return None if best is None else best[1]


def _partners(dimensions, values, status, primary: Coord, k: int) -> list[Label]:
    """The labels a hypercube may pair with `primary`'s label in dimension k, cheapest first
    (judged by the neighbour of `primary` along k); a published zero cannot be a corner."""
    own = primary[k]
    labels = list(dimensions[k].parts) if own == TOTAL else [*dimensions[k].parts, TOTAL]
    ranked = []
    for label in labels:
        if label == own:
            continue
        neighbour = (*primary[:k], label, *primary[k + 1 :])
        cost = _corner_cost(values[neighbour], status[neighbour])
        if cost is not None:
            ranked.append((cost, repr(label), label))
    return [label for _, _, label in sorted(ranked)]


def _corners(primary: Coord, choice: tuple[Label, ...]) -> list[tuple[Coord, int]]:
    """Each corner with its sign: flips along a dimension between two parts, not to or from a total."""
    flips = [-1 if TOTAL not in (own, other) else 1 for own, other in zip(primary, choice)]
    corners = []
    for mask in itertools.product((False, True), repeat=len(primary)):
        sign = 1
        for moved, flip in zip(mask, flips):
            sign *= flip if moved else 1
        corners.append((tuple(other if moved else own for own, other, moved in zip(primary, choice, mask)), sign))
    return corners


def _cost(values, status, corners: list[tuple[Coord, int]]) -> int | None:
    """Counts newly suppressed if this hypercube is used; None when +1/-1 both break a bound."""
    cost, up, down = 0, True, True
    for corner, sign in corners:
        value, state = values[corner], status[corner]
        corner_cost = _corner_cost(value, state)
        if corner_cost is None:
            return None
        cost += corner_cost
        up = up and _fits(value + sign, state)
        down = down and _fits(value - sign, state)
        if not (up or down):
            return None
    return cost


def _corner_cost(value: int, state: Status) -> int | None:
    if state is Status.PUBLISHED:
        return value if value >= SECONDARY_LOW else None  # a published zero stays published
    return None if state is Status.FIXED else 0


def _fits(value: int, state: Status) -> bool:
    if state is Status.PRIMARY:
        return PRIMARY_LOW <= value <= PRIMARY_HIGH
    if state is Status.HIDDEN:
        return value >= 0
    if state is Status.SIGNED:
        return True
    return value >= SECONDARY_LOW  # secondary now, or published and to become secondary
