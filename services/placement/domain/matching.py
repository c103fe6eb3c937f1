"""Which facility to offer a family: pure, so the choice can be explained and tested.

Eligible: a unit type that shelters a family tonight (not ambulant support,
not a night shelter: that is an alternative GGD records, not a placement),
a free unit, the family type accepted, not declined this request before.
Preference: inside the family's region, then the unit type that fits the family
best, then the most free units. Out-of-region facilities are offered last and
flagged: a family from elsewhere is not silently refused (docs/domain.md#regional-entitlement).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.events.triage import FamilyType
from services.placement.domain.registry import UnitType

TONIGHT = (UnitType.FAMILY_TWO_PARENT, UnitType.MOTHER_WITH_CHILDREN, UnitType.CRISIS, UnitType.CARE_24H)
PREFERENCE = {
    FamilyType.TWO_PARENT: (UnitType.FAMILY_TWO_PARENT, UnitType.CRISIS, UnitType.CARE_24H),
    FamilyType.ONE_PARENT: (UnitType.MOTHER_WITH_CHILDREN, UnitType.CRISIS, UnitType.FAMILY_TWO_PARENT, UnitType.CARE_24H),
    FamilyType.UNKNOWN: (UnitType.CRISIS, UnitType.FAMILY_TWO_PARENT, UnitType.MOTHER_WITH_CHILDREN, UnitType.CARE_24H),
}


@dataclass(frozen=True)
class FacilityFacts:
    id: str
    centre: str
    region: frozenset[str]
    unit_type: str
    free: int
    accepts: frozenset[str]


@dataclass(frozen=True)
class Match:
    facility_id: str
    out_of_region: bool


def best_match(
    family_type: str, municipality_code: str, facilities: list[FacilityFacts], declined: frozenset[str]
) -> Match | None:
    preference = PREFERENCE.get(family_type, PREFERENCE[FamilyType.UNKNOWN])
    eligible = [
        facility
        for facility in facilities
        if facility.unit_type in TONIGHT
        and facility.free > 0
        and facility.id not in declined
        and (family_type == FamilyType.UNKNOWN or family_type in facility.accepts)
        and facility.unit_type in preference
    ]
    if not eligible:
        return None

    def rank(facility: FacilityFacts):
        return (municipality_code not in facility.region, preference.index(facility.unit_type), -facility.free)

    chosen = min(eligible, key=rank)
    return Match(facility_id=chosen.id, out_of_region=municipality_code not in chosen.region)
