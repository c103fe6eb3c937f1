"""What a placement request says about the family: composition, need, why it has no home
and who referred it; never who they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from shared.contracts.events.triage import FamilyType, PlacementCause, PlacementNeed, PlacementReason, ReferralSource

# Reasons that say the family was evicted (triage asks with these).
_EVICTION_REASONS = frozenset({PlacementReason.FAMILY_FOUND_AT_EVICTION, PlacementReason.FAMILY_EVICTED})


@dataclass(frozen=True)
class Composition:
    adults: int
    children_ages: tuple[int, ...]
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: str
    reason: str
    cause: PlacementCause
    referral_source: ReferralSource

    @classmethod
    def of(cls, source) -> Composition:
        """From anything that carries these fields by name: triage's request event, GGD's request body."""
        values = {field.name: getattr(source, field.name) for field in fields(cls)}
        return cls(**{**values, "children_ages": tuple(values["children_ages"])})

    def as_fields(self) -> dict:
        """The fields by name, as the request's row and the requested event take them."""
        return {**asdict(self), "children_ages": list(self.children_ages)}

    @property
    def persons(self) -> int:
        return self.adults + len(self.children_ages)


def cause_when_not_given(case_key: str | None, reason: PlacementReason) -> PlacementCause:
    """A client that does not say the cause (one written before it existed): a request from a
    triage case (an eviction alert) or for an evicted family is an eviction; any other is `other`."""
    if case_key is not None or reason in _EVICTION_REASONS:
        return PlacementCause.EVICTION
    return PlacementCause.OTHER
