"""Before the transaction: where a signal's dwelling is, and who lives there.

The register lookups (services.triage.assessment) run outside the database
transaction (shared.persistence.inbox.Prepared), so no transaction waits on HTTP.
A signal keyed on a postcode address is first located: its BAG id, or why the
register could not tell. When the partner gave the postcode, the dwelling's district is
read from the municipality's postcode areas (domain.district; no register call). A
family found at the door stands on what people saw. A sealed address no key opens
cannot be processed (a dead letter), except at the door, where the signal stands on
its own key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from shared.bus.consumer import Unprocessable
from shared.contracts.events.triage import CompositionSource
from shared.privacy import AddressSeal, SealBroken
from services.triage.assessment import Assessment, HouseholdLookup, Location
from services.triage.brp.protocol import LookupPurpose, looking_up_for
from services.triage.case.received import Signal
from services.triage.domain.district import PostcodeAreas, dwelling_district
from services.triage.domain.household import HouseholdAssessment, unknown_composition


@dataclass(frozen=True)
class Looked:
    """What triage learnt before its transaction: the household, and where the dwelling is."""

    assessment: Assessment
    location: Location | None = None  # None: the seal could not be opened (a family found at the door)
    district: str | None = None  # the dwelling's district from its postcode; None: not known


class SignalLookup:
    def __init__(self, seal: AddressSeal, lookup: HouseholdLookup, areas: Mapping[str, PostcodeAreas] | None = None):
        self._seal = seal
        self._lookup = lookup
        self._areas = areas or {}

    async def look(self, signal: Signal) -> Looked:
        """The register requests name the signal as their purpose (brp.protocol)."""
        with looking_up_for(LookupPurpose(signal.data.signal_id)):
            return await self._look(signal)

    async def _look(self, signal: Signal) -> Looked:
        try:
            dwelling = self._seal.open(signal.data.sealed_address)
        except SealBroken as exc:
            if signal.at_the_door:
                return Looked(_reported_at_the_door(signal))
            raise Unprocessable(str(exc)) from None
        location = await self._lookup.locate(dwelling, case_key=signal.key)
        district = dwelling_district(self._areas, dwelling.municipality_code, dwelling.postcode)
        if signal.at_the_door:
            return Looked(_reported_at_the_door(signal), location, district)
        if location.object_id is None:
            return Looked(Assessment(_unlocated(location.reason), CompositionSource.UNKNOWN), location, district)
        dwelling = replace(dwelling, adresseerbaar_object_id=location.object_id)
        return Looked(await self._lookup.assess(dwelling, signal.reference_date, case_key=signal.key), location, district)


def _reported_at_the_door(signal: Signal) -> Assessment:
    ages = tuple(sorted(signal.data.children_ages))
    household = HouseholdAssessment(
        persons=signal.data.adults + len(ages), minors=len(ages), minor_ages=ages, is_family=True, uncertain=()
    )
    return Assessment(household, CompositionSource.REPORTED_AT_EVICTION)


def _unlocated(reason: str | None) -> HouseholdAssessment:
    """The register could not place the postcode address: composition unknown, and why."""
    unknown = unknown_composition()
    if reason is None or reason in unknown.uncertain:
        return unknown
    return HouseholdAssessment(persons=0, minors=0, minor_ages=(), is_family=None, uncertain=(reason,))
