"""What a placement request says about the family: composition and need, never who they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from shared.contracts.events.triage import FamilyType, PlacementNeed


@dataclass(frozen=True)
class Composition:
    adults: int
    children_ages: tuple[int, ...]
    family_type: FamilyType
    need: PlacementNeed
    municipality_code: str
    reason: str

    @classmethod
    def of(cls, source) -> Composition:
        """From anything that carries these fields by name: triage's request event, GGD's request body."""
        values = {field.name: getattr(source, field.name) for field in fields(cls)}
        return cls(**{**values, "children_ages": tuple(values["children_ages"])})

    def as_fields(self) -> dict:
        """The fields by name, as the request's row and the requested event take them."""
        return {**asdict(self), "children_ages": list(self.children_ages)}
