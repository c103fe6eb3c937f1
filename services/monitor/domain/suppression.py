"""Small-cell suppression, and who may see exact counts.

Published counts from 1 to 4 are shown as "<5": a cell that small, crossed with a
municipality, district and month, can point at one household. 0 stays 0 (nothing
happened identifies no one) and 5 and more are shown as they are. Every output meant
for publication goes through `publishable`.

Exact counts go only to a municipality, and only for its own municipality codes (the
`municipality_codes` of its organisation): it is the owner of the registration that
recommendation A of the report asks for. Another municipality, any other role and the
public see suppressed figures.
"""

from __future__ import annotations

from collections.abc import Collection

SMALL_CELL_LIMIT = 5
SUPPRESSED = "<5"
RULE = (
    f"counts from 1 to {SMALL_CELL_LIMIT - 1} are shown as '{SUPPRESSED}'; counts that would give one of them away "
    "(by a total or a difference of published figures) as 'x'; a table too small to protect that way as '.'; "
    "0 stays 0"
)


def publishable(count: int) -> int | str:
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return SUPPRESSED if 0 < count < SMALL_CELL_LIMIT else count


def shown(count: int, *, exact: bool) -> int | str:
    return count if exact else publishable(count)


def sees_exact(is_municipality: bool, own_codes: Collection[str], municipality_code: str) -> bool:
    """True when the caller may see exact counts for `municipality_code`."""
    return is_municipality and municipality_code in own_codes
