"""Who lived at a dwelling on a date, asked of BRP Bewoning 2.x (`BewoningMetPeildatum`).

Personen answers "who lives here now"; Bewoning answers "who lived here on the
eviction date", which is what the family rule is about when a signal arrives
after the fact. It also separates residents from possible residents (a partial
move-in or move-out date leaves it open) and leaves out postal addresses.
Feed both lists to `assess_household(..., possible_residents=...)`.

base_url is e.g. http://127.0.0.1:8090/haalcentraal/api/bewoning. Same retry
and error policy as the Personen client (see client.py). A bewoner without
`geboorte` becomes a Resident with an unknown birth date, which the family
rule treats as undecidable rather than as an adult.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx

from shared.client_credentials import ClientCredentialsTokens
from services.triage.brp.client import JsonPoster, RegisterUnavailable, resident_from
from services.triage.brp.persons import PersonPseudonyms
from services.triage.brp.protocol import Protocol
from services.triage.domain.household import Resident

ON_DATE = "BewoningMetPeildatum"


@dataclass(frozen=True)
class Occupancy:
    residents: tuple[Resident, ...]
    possible_residents: tuple[Resident, ...]
    many_residents: bool = False  # over 100 people (an institution): the register lists nobody


class HaalCentraalBewoningClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
        protocol: Protocol | None = None,
        tokens: ClientCredentialsTokens | None = None,
        persons: PersonPseudonyms | None = None,
    ):
        self._url = base_url.rstrip("/") + "/bewoningen"
        self._persons = persons  # Bewoning answers the BSN unasked: kept only as its pseudonym
        self._poster = JsonPoster(
            api_key=api_key, timeout=timeout, attempts=attempts, backoff=backoff, transport=transport, protocol=protocol,
            tokens=tokens,
        )

    async def occupancy_on(self, adresseerbaar_object_id: str, peildatum: date) -> Occupancy:
        query = {
            "type": ON_DATE,
            "adresseerbaarObjectIdentificatie": adresseerbaar_object_id,
            "peildatum": peildatum.isoformat(),
        }
        answer = await self._poster.post(self._url, query, ON_DATE)
        bewoningen = answer.get("bewoningen", [])
        if not isinstance(bewoningen, list):
            raise RegisterUnavailable(ON_DATE, 1, "answer without a list of bewoningen")
        residents: list[Resident] = []
        possible: list[Resident] = []
        many = False
        for bewoning in (b for b in bewoningen if isinstance(b, dict)):
            residents += [resident_from(p, self._persons) for p in bewoning.get("bewoners", []) if isinstance(p, dict)]
            possible += [resident_from(p, self._persons) for p in bewoning.get("mogelijkeBewoners", []) if isinstance(p, dict)]
            many = many or bewoning.get("indicatieVeelBewoners") is True
        return Occupancy(tuple(residents), tuple(possible), many)

    async def aclose(self) -> None:
        await self._poster.aclose()

    async def __aenter__(self) -> HaalCentraalBewoningClient:
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.aclose()
