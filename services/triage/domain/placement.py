"""When triage asks for a shelter place, and for whom (composition only, no persons)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.events.triage import FamilyType, PlacementNeed


@dataclass(frozen=True)
class PlacementAsk:
    adults: int
    children_ages: tuple[int, ...]
    family_type: FamilyType
    need: PlacementNeed
    reason: str


def placement_needed(
    signal_type: str,
    outcome: str | None,
    is_family: bool | None,
    adults: int,
    children_ages: tuple[int, ...],
) -> PlacementAsk | None:
    """A family found at the door, or a family evicted, needs a place tonight."""
    if signal_type == "eviction.family-found":
        reason = "family_found_at_eviction"
    elif signal_type == "eviction.executed" and outcome == "evicted" and is_family:
        reason = "family_evicted"
    else:
        return None
    adults = max(adults, 1)
    family_type = FamilyType.TWO_PARENT if adults >= 2 else FamilyType.ONE_PARENT
    return PlacementAsk(
        adults=adults,
        children_ages=children_ages,
        family_type=family_type,
        need=PlacementNeed.CRISIS,
        reason=reason,
    )
