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


def _equations(known: dict, relations) -> list[tuple[dict, Fraction]]:
    """Each relation as {unknown: coefficient} = constant (total - parts = 0)."""
    equations = []
    for total, parts in relations:
        row: dict = {}
        constant = Fraction(0)
        for cell, sign in [(total, 1), *((part, -1) for part in parts)]:
            if cell in known:
                constant -= sign * known[cell]
            else:
                row[cell] = row.get(cell, 0) + sign
        row = {cell: Fraction(c) for cell, c in row.items() if c}
        if row:
            equations.append((row, constant))
    return equations


def _eliminate(known: dict, bounds: dict, relations) -> dict:
    """Gauss-Jordan over the unknowns: a row left with one unknown pins it."""
    rows = _equations(known, relations)
    pivots: dict = {}  # unknown -> index of its row
    reduced: list[tuple[dict, Fraction]] = []
    for row, constant in rows:
        row, constant = dict(row), constant
        for cell, index in pivots.items():
            if cell in row:
                factor = row[cell]
                other, other_constant = reduced[index]
                for key, value in other.items():
                    row[key] = row.get(key, 0) - factor * value
                    if row[key] == 0:
                        del row[key]
                constant -= factor * other_constant
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {key: value / scale for key, value in row.items()}
        constant /= scale
        for index, (other, other_constant) in enumerate(reduced):
            if pivot in other:
                factor = other[pivot]
                for key, value in row.items():
                    other[key] = other.get(key, 0) - factor * value
                    if other[key] == 0:
                        del other[key]
                reduced[index] = (other, other_constant - factor * constant)
        pivots[pivot] = len(reduced)
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
            for position, (cell, sign) in enumerate(members):
                if cell in known:
                    continue
                low = high = 0
                for other_position, (other, other_sign) in enumerate(members):
                    if other_position == position:
                        continue
                    a, b = span(other)
                    low += min(-other_sign * a, -other_sign * b)
                    high += max(-other_sign * a, -other_sign * b)
                low, high = (low, high) if sign == 1 else (-high, -low)
                current = interval[cell]
                new = [max(current[0], low), min(current[1], high)]
                if new != current and new[0] <= new[1]:
                    interval[cell] = new
                    changed = True
        if not changed:
            break
    return {cell: low for cell, (low, high) in interval.items() if low == high}
