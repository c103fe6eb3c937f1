"""A reader who holds every published figure of a municipality-year and tries to recover
the suppressed ones: by subtracting any published figures from any others (every linear
combination of the relations between them: exact elimination), and by narrowing each
suppressed count between what the others leave room for ("<5" is 1 to 4, "x" is 5 or
more, the city's part in no published district is 0 or more), round after round.

Cells are (series, family, month, district) with "all", 0 (the year) and "*" (the city)
for totals. `relations` are (total, parts) pairs; `known` the published numbers; `bounds`
the suppressed and hidden cells with what the reader knows of them.
"""

from __future__ import annotations

from fractions import Fraction

INFINITY = 10**9


def recover(known: dict, bounds: dict, relations: list[tuple[object, list]]) -> dict:
    """The suppressed or hidden cells the reader pins to one value, with that value."""
    known = dict(known)
    bounds = {cell: list(bound) for cell, bound in bounds.items()}
    pinned: dict = {}
    for _ in range(6):
        found = {**_eliminate(known, bounds, relations), **_narrow(known, bounds, relations)}
        found = {cell: value for cell, value in found.items() if cell not in pinned}
        if not found:
            return pinned
        pinned.update(found)
        known.update(found)
        for cell in found:
            bounds.pop(cell, None)
    return pinned


def _equations(known: dict, relations) -> list[tuple[dict, int]]:
    """Each relation as {unknown: coefficient} = constant (total - parts = 0), in integers."""
    equations = []
    for total, parts in relations:
        row: dict = {}
        constant = 0
        for cell, sign in [(total, 1), *((part, -1) for part in parts)]:
            if cell in known:
                constant -= sign * known[cell]
            else:
                row[cell] = row.get(cell, 0) + sign
        row = {cell: c for cell, c in row.items() if c}
        if row:
            equations.append((row, constant))
    return equations


def _eliminate(known: dict, bounds: dict, relations) -> dict:
    """Gauss-Jordan over the unknowns: a row left with one unknown pins it."""
    rows = _equations(known, relations)
    pivots: dict = {}  # unknown -> index of its row
    holders: dict = {}  # unknown -> indices of the reduced rows that hold it
    reduced: list[tuple[dict, Fraction | int]] = []
    for row, constant in rows:
        row = dict(row)
        # a reduced row holds its own pivot and no other, so subtracting it brings in none
        for cell in [cell for cell in row if cell in pivots]:
            factor = row[cell]
            other, other_constant = reduced[pivots[cell]]
            for key, value in other.items():
                row[key] = row.get(key, 0) - factor * value
                if row[key] == 0:
                    del row[key]
            constant -= factor * other_constant
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        if scale in (1, -1):  # exact in integers, which are many times faster than fractions
            row = {key: value * scale for key, value in row.items()}
            constant *= scale
        else:
            row = {key: Fraction(value, 1) / scale for key, value in row.items()}
            constant = Fraction(constant, 1) / scale
        for index in list(holders.get(pivot, ())):
            other, other_constant = reduced[index]
            factor = other[pivot]
            for key, value in row.items():
                changed = other.get(key, 0) - factor * value
                if changed:
                    other[key] = changed
                    holders.setdefault(key, set()).add(index)
                else:
                    del other[key]
                    holders[key].discard(index)
            reduced[index] = (other, other_constant - factor * constant)
        pivots[pivot] = len(reduced)
        for key in row:
            holders.setdefault(key, set()).add(len(reduced))
        reduced.append((row, constant))
    return {
        next(iter(row)): int(constant)
        for row, constant in reduced
        if len(row) == 1 and constant.denominator == 1 and next(iter(row)) in bounds
    }


def _narrow(known: dict, bounds: dict, relations) -> dict:
    """Interval reasoning on each relation, until nothing narrows any more."""
    interval = {cell: list(bound) for cell, bound in bounds.items()}

    def span(cell):
        return (known[cell], known[cell]) if cell in known else tuple(interval[cell])

    open_relations = [
        [(total, 1), *((part, -1) for part in parts)]  # sum(sign * cell) = 0
        for total, parts in relations
        if total not in known or any(part not in known for part in parts)
    ]
    for _ in range(50):
        changed = False
        for members in open_relations:
            # sum(sign * cell) = 0: each member lies between minus the others' extremes,
            # the others' being all members' less its own
            lows, highs = [], []
            for cell, sign in members:
                a, b = span(cell)
                lows.append(min(-sign * a, -sign * b))
                highs.append(max(-sign * a, -sign * b))
            all_low, all_high = sum(lows), sum(highs)
            for position, (cell, sign) in enumerate(members):
                if cell in known:
                    continue
                low, high = all_low - lows[position], all_high - highs[position]
                low, high = (low, high) if sign == 1 else (-high, -low)
                current = interval[cell]
                new = [max(current[0], low), min(current[1], high)]
                if new != current and new[0] <= new[1]:
                    interval[cell] = new
                    changed = True
        if not changed:
            break
    return {cell: low for cell, (low, high) in interval.items() if low == high}
