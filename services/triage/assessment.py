"""Who lives at the dwelling, asked of the population register, never failing the signal.

When the register stays unreachable after the client's retries, the household
is assessed as "composition unknown" (routing then treats it as a possible
family) rather than stalling the partition or dropping the signal.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from shared.contracts.events.triage import CompositionSource
from shared.privacy import Dwelling
from services.triage.brp.client import HaalCentraalBrpClient, RegisterRequestRejected, RegisterUnavailable
from services.triage.domain.household import HouseholdAssessment, Resident, assess_household, unknown_composition

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assessment:
    household: HouseholdAssessment
    source: CompositionSource


class HouseholdLookup:
    def __init__(self, client: HaalCentraalBrpClient, *, cache_seconds: float = 300.0, cache_size: int = 10_000):
        self._client = client
        self._cache_seconds = cache_seconds
        self._cache_size = cache_size
        self._cache: OrderedDict[str, tuple[float, list[Resident]]] = OrderedDict()
        self.register_calls = 0

    async def assess(self, dwelling: Dwelling, on: date, *, case_key: str) -> Assessment:
        try:
            residents = await self._residents(dwelling)
        except (RegisterUnavailable, RegisterRequestRejected) as exc:
            log.warning("register lookup for case %s failed (%s): composition unknown", case_key, type(exc).__name__)
            return Assessment(unknown_composition(), CompositionSource.UNKNOWN)
        return Assessment(assess_household(residents, on), CompositionSource.REGISTER)

    async def _residents(self, dwelling: Dwelling) -> list[Resident]:
        key = dwelling.adresseerbaar_object_id
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            self._cache.move_to_end(key)
            return cached[1]
        self.register_calls += 1
        residents = await self._client.residents_at(key)
        self._cache[key] = (time.monotonic(), residents)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return residents

    async def aclose(self) -> None:
        await self._client.aclose()
