"""Who lives at the dwelling, asked of the population register, never failing the signal.

First BRP Bewoning (`BewoningMetPeildatum`): who lived there on the signal's
or the eviction's date, which is what the family rule is about when a signal
arrives after the fact. Possible residents (mogelijkeBewoners: a partial move-in
or move-out date) make the answer uncertain, never absent. When Bewoning gives
no answer, BRP Personen (who lives there now) is the fallback.

When the register stays unreachable after the clients' retries,
`RegisterUnavailable` rises: a transient failure, so the consumer holds the
signal and asks again until the register answers (docs/adr/0025). A register that
answers but refuses the request (4xx) cannot be helped by waiting: the household is
then assessed as "composition unknown" (routing treats it as a possible family).

A signal without a BAG id is first located (`locate`): Personen by postcode and
house number tells the dwelling's BAG id, and the household is then assessed by
that id like any other. An address the register cannot place assesses as
"composition unknown", with the reason in `uncertain`.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from shared.contracts.events.triage import CompositionSource
from shared.privacy import Dwelling
from services.triage.rate_limit import RateLimiter
from services.triage.brp.bewoning import HaalCentraalBewoningClient, Occupancy
from services.triage.brp.client import HaalCentraalBrpClient, RegisterRequestRejected
from services.triage.domain.household import (
    POSSIBLE_RESIDENTS,
    REGISTER_UNAVAILABLE,
    HouseholdAssessment,
    Resident,
    assess_household,
    unknown_composition,
)

log = logging.getLogger(__name__)

NOT_LOCATED = "dwelling_not_found_in_register"  # nobody registered at the postcode address
SEVERAL_DWELLINGS = "address_covers_several_dwellings"  # no letter or addition, several BAG ids behind it
MANY_RESIDENTS = "many_residents"  # over 100 people (an institution): the register names nobody
PERSONEN_FALLBACK = "composition_now_not_on_date"  # Bewoning gave no answer; Personen tells who lives there now
_REGISTER_ERRORS = (RegisterRequestRejected,)  # RegisterUnavailable rises: the consumer holds and retries


@dataclass(frozen=True)
class Assessment:
    household: HouseholdAssessment
    source: CompositionSource
    persons: frozenset[str] = frozenset()  # pseudonyms of the residents that link cases (`linkable`)


@dataclass(frozen=True)
class Location:
    """Where a postcode address is in the BAG: its id, or why the register could not say."""

    object_id: str | None
    reason: str | None = None


class HouseholdLookup:
    def __init__(
        self,
        client: HaalCentraalBrpClient,
        *,
        bewoning: HaalCentraalBewoningClient | None = None,
        cache_seconds: float = 300.0,
        cache_size: int = 10_000,
        rate_limiter: RateLimiter | None = None,
    ):
        self._client = client
        self._rate_limiter = rate_limiter
        self._bewoning = bewoning
        self._cache_seconds = cache_seconds
        self._cache_size = cache_size
        self._cache: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self.register_calls = 0

    async def assess(self, dwelling: Dwelling, on: date, *, case_key: str) -> Assessment:
        object_id = dwelling.adresseerbaar_object_id
        if self._bewoning is not None:
            try:
                occupancy = await self._cached(("bewoning", object_id, on), lambda: self._bewoning.occupancy_on(object_id, on))
                household = _assess_occupancy(occupancy, on)
                return Assessment(household, CompositionSource.REGISTER, linkable(occupancy.residents))
            except _REGISTER_ERRORS as exc:
                log.warning("bewoning lookup for case %s failed (%s): asking Personen", case_key, type(exc).__name__)
        try:
            residents = await self._cached(("personen", object_id), lambda: self._client.residents_at(object_id))
        except _REGISTER_ERRORS as exc:
            log.warning("register lookup for case %s failed (%s): composition unknown", case_key, type(exc).__name__)
            return Assessment(unknown_composition(), CompositionSource.UNKNOWN)
        household = assess_household(residents, on)
        if self._bewoning is not None:
            household = _with_reason(household, PERSONEN_FALLBACK)
        return Assessment(household, CompositionSource.REGISTER, linkable(residents))

    async def locate(self, dwelling: Dwelling, *, case_key: str) -> Location:
        """The BAG id of a dwelling known by postcode and house number; raises only RegisterUnavailable."""
        if dwelling.adresseerbaar_object_id:
            return Location(dwelling.adresseerbaar_object_id)
        key = ("locate", dwelling.identification)
        try:
            found = await self._cached(key, lambda: self._client.dwellings_at_postcode(
                dwelling.postcode, dwelling.huisnummer, dwelling.huisletter, dwelling.toevoeging, dwelling.gemeentecode
            ))  # fmt: skip
        except _REGISTER_ERRORS as exc:
            log.warning("locating the dwelling of case %s failed (%s): stays on its postcode key", case_key, type(exc).__name__)
            return Location(None, REGISTER_UNAVAILABLE)
        if len(found) == 1:
            return Location(next(iter(found)))
        return Location(None, SEVERAL_DWELLINGS if found else NOT_LOCATED)

    async def _cached(self, key: tuple, ask):
        """Per dwelling (and date, for Bewoning), for `cache_seconds`: repeats do not hit the register."""
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            self._cache.move_to_end(key)
            return cached[1]
        if self._rate_limiter is not None:
            await self._rate_limiter.acquire()
        self.register_calls += 1
        answer = await ask()
        self._cache[key] = (time.monotonic(), answer)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return answer

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._bewoning is not None:
            await self._bewoning.aclose()


def linkable(residents) -> frozenset[str]:
    """The pseudonyms that may link this case to others: residents (not possible residents,
    whom the register is unsure of), and not persons under secrecy (geheimhouding), whose
    former address a link would pass on (docs/adr/0038)."""
    return frozenset(r.person for r in residents if r.person and not r.secret)


def _assess_occupancy(occupancy: Occupancy, on: date) -> HouseholdAssessment:
    if occupancy.many_residents:
        return HouseholdAssessment(persons=0, minors=0, minor_ages=(), is_family=None, uncertain=(MANY_RESIDENTS,))
    residents: list[Resident] = list(occupancy.residents)
    household = assess_household(residents, on, possible_residents=occupancy.possible_residents)
    if occupancy.possible_residents and POSSIBLE_RESIDENTS not in household.uncertain:
        # Uncertain, not absent: say so even when they could not change the answer.
        household = _with_reason(household, POSSIBLE_RESIDENTS)
    return household


def _with_reason(household: HouseholdAssessment, reason: str) -> HouseholdAssessment:
    return HouseholdAssessment(
        persons=household.persons,
        minors=household.minors,
        minor_ages=household.minor_ages,
        is_family=household.is_family,
        uncertain=(*household.uncertain, reason),
    )
