"""A placement request's states and the one table of the moves between them.

Every change of status goes through `check_move` (services/placement/moves.py applies
it as a conditional UPDATE from the status the caller saw), so a move the table does
not list is refused before anything is written. Nothing here reads a clock or a database.
"""

from __future__ import annotations

from enum import StrEnum


class RequestStatus(StrEnum):
    NEW = "new"  # only inside the transaction that creates or re-matches a request; never committed
    OFFERED = "offered"  # a unit is held for the family until the shelter answers
    WAITLISTED = "waitlisted"  # on its centre's waiting list
    PLACED = "placed"  # the shelter confirmed; the family lives there
    # The shelter took in part of the family (a father not admitted): the request stays open and
    # in view for the persons not placed, until the placement ends.
    PARTLY_PLACED = "partly_placed"
    ENDED = "ended"  # the family left the shelter (outflow recorded)
    WITHDRAWN = "withdrawn"  # triage withdrew it before the family was placed


S = RequestStatus
ALLOWED_MOVES: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.NEW: frozenset({S.OFFERED, S.WAITLISTED}),  # matched: a unit offered, or onto the list
    # Confirmed; declined or the unit gone (back to matching); withdrawn (the unit is free again).
    S.OFFERED: frozenset({S.PLACED, S.PARTLY_PLACED, S.NEW, S.WITHDRAWN}),
    # An update while waiting (an alternative recorded); a freed unit offered; withdrawn.
    S.WAITLISTED: frozenset({S.WAITLISTED, S.OFFERED, S.WITHDRAWN}),
    # Withdrawn when placed is too late: the placement stands and ends only by outflow.
    S.PLACED: frozenset({S.ENDED}),
    # An update on the persons not placed (an alternative recorded); the rest of the family
    # admitted later (placed: the whole family lives there); the placement ends by outflow.
    S.PARTLY_PLACED: frozenset({S.PARTLY_PLACED, S.PLACED, S.ENDED}),
    S.ENDED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# A case has at most one open request (a GGD asking again for the same case is refused).
OPEN: frozenset[RequestStatus] = frozenset({S.OFFERED, S.WAITLISTED, S.PLACED, S.PARTLY_PLACED})
# The family (or part of it) lives in the shelter: it leaves by outflow; its trajectory plan is due (T14).
IN_SHELTER: frozenset[RequestStatus] = frozenset({S.PLACED, S.PARTLY_PLACED})
# Someone of the family waits without a place: GGD keeps them in view (alternatives, lost from view).
KEPT_IN_VIEW: frozenset[RequestStatus] = frozenset({S.WAITLISTED, S.PARTLY_PLACED})


class MoveNotAllowed(ValueError):
    """A move the table does not list: a mistake in the code, never the caller's."""


def check_move(current: RequestStatus, target: RequestStatus) -> RequestStatus:
    """The status after the move; refuses a move `ALLOWED_MOVES` does not list."""
    if target not in ALLOWED_MOVES[RequestStatus(current)]:
        raise MoveNotAllowed(f"a placement request does not move from {current} to {target}")
    return target
