"""What a placement request says about the family: composition and need, never who they are."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.events.triage import FamilyType, PlacementNeed


@dataclass(frozen=True)
class Composition:
    adults: int
    children_ages: tuple[int, ...]
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: str
    reason: str
