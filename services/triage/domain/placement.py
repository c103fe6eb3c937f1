"""When triage asks for a shelter place, and for whom (composition only, no persons)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.event_types import SignalType
from shared.contracts.events.triage import FamilyType, PlacementNeed, PlacementReason, WithdrawalReason


@dataclass(frozen=True)
class PlacementAsk:
    adults: int
    children_ages: tuple[int, ...]
    family_type: FamilyType
    need: PlacementNeed
    reason: PlacementReason


def placement_needed(
    signal_type: str,
    outcome: str | None,
    is_family: bool | None,
    adults: int,
    children_ages: tuple[int, ...],
) -> PlacementAsk | None:
    """A family found at the door, or a family evicted, needs a place tonight."""
    if signal_type == SignalType.FAMILY_FOUND:
        reason = PlacementReason.FAMILY_FOUND_AT_EVICTION
    elif signal_type == SignalType.EVICTION_EXECUTED and outcome == "evicted" and is_family:
        reason = PlacementReason.FAMILY_EVICTED
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


_REVERSED_BY_OUTCOME = {"paid_at_door": WithdrawalReason.PAID_AT_DOOR, "not_executed": WithdrawalReason.NOT_EXECUTED}


# A new story at the dwelling: the eviction a request was made for took place, and a
# cancellation from now on is about the next eviction, not that one.
_NEW_STORY = frozenset({SignalType.ARREARS_REPORTED, SignalType.VERDICT_ISSUED, SignalType.EVICTION_SCHEDULED})


def starts_new_story(signal_type: str) -> bool:
    """Requests made before this signal can no longer be withdrawn by a reversal."""
    return signal_type in _NEW_STORY


def withdrawal_reason(signal_type: str, outcome: str | None) -> WithdrawalReason | None:
    """The eviction did not happen after all: a shelter request made for it is withdrawn.

    A cancellation, or an outcome saying it was not carried out (paid at the door,
    not executed). An eviction carried out, or a household gone, keeps the request."""
    if signal_type == SignalType.EVICTION_CANCELLED:
        return WithdrawalReason.EVICTION_CANCELLED
    if signal_type == SignalType.EVICTION_EXECUTED:
        return _REVERSED_BY_OUTCOME.get(outcome or "")
    return None
