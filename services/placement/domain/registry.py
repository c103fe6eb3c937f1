"""What a facility is: its unit type, the households it takes, the region it serves.

Pure vocabulary and rules, so the seed file, the API and matching agree on one
spelling (docs/domain.md#shelter-and-care; the report's capacity tables: docs/domain.md#shelter-capacity)."""

from __future__ import annotations

from enum import StrEnum
from typing import Mapping


class UnitType(StrEnum):
    CRISIS = "crisis"  # crisisopvang
    FAMILY_TWO_PARENT = "family_two_parent"  # gezinsunits for two-parent families
    MOTHER_WITH_CHILDREN = "mother_with_children"  # vrouwen met kinderen / eenoudergezinnen
    CARE_24H = "care_24h"  # 24-uurs zorg
    AMBULANT = "ambulant"  # ambulante woonbegeleiding: a family living under guidance, not a bed tonight
    NIGHT_SHELTER = "night_shelter"  # nachtopvang: a last resort, never a family placement


class HouseholdType(StrEnum):
    ONE_PARENT = "one_parent"
    TWO_PARENT = "two_parent"


def waitlist_centre(
    municipality_code: str, requester_codes: list[str], regions: Mapping[str, frozenset[str]]
) -> tuple[str | None, bool]:
    """The centre municipality whose waiting list a family is on, and whether it is from outside that region.

    A family waits in the region it comes from. A family from outside every region
    waits where the requesting GGD works, flagged out of region, rather than
    being refused (docs/domain.md#regional-entitlement). Without either, it waits on no centre's list
    but stays visible to the GGD that asked."""
    for centre, region in sorted(regions.items()):
        if municipality_code in region:
            return centre, False
    for code in requester_codes:
        for centre, region in sorted(regions.items()):
            if code in region:
                return centre, True
    return None, True


def out_of_waitlist_region(centre: str | None, municipality_code: str, regions: Mapping[str, frozenset[str]]) -> bool:
    """Is a family from outside the region of the centre whose list it waits on (or on no list)?"""
    return centre is None or municipality_code not in regions.get(centre, frozenset())
