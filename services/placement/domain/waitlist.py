"""The waiting list: who comes first, where each family stands, who gets a freed unit.

Pure, so the order can be explained to a family and tested without a database.

Priority rule (in this order; the next criterion only breaks ties):
1. minors present: a household with children under 18 before one without;
2. crisis need before a (planned) family place;
3. days waiting: the family that asked first (longest wait) first;
4. finally the request id, so the order is total and the same on every replica.

A family's position is counted on the list of the centre municipality it waits
in (see registry.waitlist_centre): GGD and the shelters of that centre see it.

A freed unit goes to the highest-priority waitlisted family it fits, families
from inside the facility's region before families from elsewhere (docs/domain.md#regional-entitlement:
out-of-region families are served, flagged, but not ahead of the region's own).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable
from uuid import UUID

from shared.contracts.events.placement import WaitlistReason
from services.placement.domain.matching import FacilityFacts, Match, best_match


@dataclass(frozen=True)
class WaitingFamily:
    request_id: UUID
    minors: int
    crisis: bool
    waiting_since: datetime
    centre: str | None = None
    family_type: str = "unknown"
    municipality_code: str = ""
    declined: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Priority:
    """Why a family stands where it stands, as shown to GGD and the shelter."""

    minors_present: bool
    crisis: bool
    days_waiting: int


def waitlisted_because(declined_before: bool) -> WaitlistReason:
    """The reason a family goes (back) on the list, as the waitlisted event says it."""
    return WaitlistReason.DECLINED_ELSEWHERE if declined_before else WaitlistReason.NO_FREE_UNIT


def days_waiting(since: datetime, now: datetime) -> int:
    return max((now - since).days, 0)


def priority(family: WaitingFamily, now: datetime) -> Priority:
    return Priority(minors_present=family.minors > 0, crisis=family.crisis, days_waiting=days_waiting(family.waiting_since, now))


def _order_key(family: WaitingFamily) -> tuple:
    # `waiting_since` ascending is "most days waiting first", to the microsecond.
    return (family.minors == 0, not family.crisis, family.waiting_since, str(family.request_id))


def ordered(families: Iterable[WaitingFamily]) -> list[WaitingFamily]:
    """The waiting list in priority order (highest priority first)."""
    return sorted(families, key=_order_key)


def positions(families: Iterable[WaitingFamily]) -> dict[UUID, int]:
    """1-based position of each family on its centre's list; families on no centre's list get none."""
    result: dict[UUID, int] = {}
    counters: dict[str, int] = {}
    for family in ordered(families):
        if family.centre is None:
            continue
        counters[family.centre] = counters.get(family.centre, 0) + 1
        result[family.request_id] = counters[family.centre]
    return result


def plan_offers(families: Iterable[WaitingFamily], facilities: list[FacilityFacts]) -> list[tuple[UUID, Match]]:
    """Which waitlisted families to offer the free units to, highest priority first.

    First pass: each family, in priority order, against the facilities of its own
    region. Second pass: those still waiting against every facility (flagged out
    of region). `free` in `facilities` must already exclude units held by open offers."""
    waiting = ordered(families)
    free = {facility.id: facility.free for facility in facilities}
    offers: dict[UUID, Match] = {}
    for own_region_only in (True, False):
        for family in waiting:
            if family.request_id in offers:
                continue
            options = [
                replace(facility, free=free[facility.id])
                for facility in facilities
                if not own_region_only or family.municipality_code in facility.region
            ]
            match = best_match(family.family_type, family.municipality_code, options, family.declined)
            if match is not None:
                offers[family.request_id] = match
                free[match.facility_id] -= 1
    return [(family.request_id, offers[family.request_id]) for family in waiting if family.request_id in offers]
