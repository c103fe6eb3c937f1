"""A partner's signal as triage takes it in: its facts, the name of its type, the
key the intake gave it, and the event that carried it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.contracts.events import signals as signal_events
from shared.contracts.events.signals import EvictionOutcome
from services.triage.domain.repeats import ArrearsLevel


@dataclass(frozen=True)
class Signal:
    data: signal_events.SignalData
    type: str  # short name, e.g. "arrears.reported"
    key: str  # the event's subject: the pseudonym of the dwelling, or of the postcode address
    event_id: UUID

    @property
    def outcome(self) -> EvictionOutcome | None:
        """What the bailiff saw at the door (eviction.executed only)."""
        return getattr(self.data, "outcome", None)

    @property
    def reference_date(self) -> date:
        """The day the family rule is applied on: the eviction date, else the day the signal was observed."""
        return getattr(self.data, "eviction_date", None) or self.data.observed_on

    @property
    def at_the_door(self) -> bool:
        """People found a family at an eviction: what they saw stands on its own."""
        return isinstance(self.data, signal_events.FamilyFoundAtEviction)

    @property
    def adults(self) -> int | None:
        """The adults people saw at the door; None when no one counted them."""
        return self.data.adults if isinstance(self.data, signal_events.FamilyFoundAtEviction) else None

    @property
    def arrears(self) -> ArrearsLevel | None:
        if isinstance(self.data, signal_events.ArrearsReported):
            return ArrearsLevel(self.data.months, self.data.amount_eur)
        return None
