"""Who lives at a dwelling, asked of the population register (Haal Centraal BRP Personen 2.x).

The client speaks the real API, so the stand-in (services.register) and a
municipality's BRP endpoint are interchangeable by configuring `base_url`
(e.g. http://127.0.0.1:8090/haalcentraal/api/brp) and how the client authenticates:
in production an OAuth2 access token of triage's register client, fetched from the
identity provider by client credentials and cached until shortly before it expires
(`shared.client_credentials`), sent as `Authorization: Bearer`; in development and test
also an API key (`X-API-KEY`), or nothing.

Data minimisation: triage asks only for `geboorte.datum`, the one field the
family rule needs, and the BSN when it links cases of one family: turned into its keyed
pseudonym here (services.triage.brp.persons) and dropped. A signal without a BAG id is located first
(`dwellings_at_postcode`): BSNs, then only the BAG id of their residence; the
BSNs stay inside that method. The secrecy flag (`geheimhoudingPersoonsgegevens`) arrives
without asking; the API refuses it in `fields` ("niet toegestane veldnaam").
No BSN, no name leaves this module. Nothing personal is logged either: not the
dwelling id, not the response; only the query type, attempt and status. Every request
carries the purpose headers a BRP gateway logs (services.triage.brp.protocol).

Failure policy: connection errors, timeouts, 5xx and 429 are retried with
exponential backoff (backoff, 2*backoff, ...) up to `attempts` tries, then
`RegisterUnavailable` is raised. That is a transient failure
(shared.faults.TransientFailure, dependency "register"): the consumer holds the
signal's partition and tries again until the register answers, rather than decide
about a family without knowing who lives there. Any other 4xx means the request
itself is wrong; retrying cannot help, so `RegisterRequestRejected` carries the
problem+json the register sent. With a token, a 401 is about the token, not the query:
the token is forgotten and the request tried again with a fresh one, and a provider
that gives no token (away, or refusing the client's credentials) is as transient as a
register that does not answer: the signal waits until an operator or the network fixes it.
"""

from __future__ import annotations

from datetime import date

import httpx

from shared.client_credentials import ClientCredentialsTokens
from services.triage.brp.poster import (  # noqa: F401 - re-exported: the clients' errors
    JsonPoster,
    RegisterError,
    RegisterRequestRejected,
    RegisterUnavailable,
)
from services.triage.brp.persons import PersonPseudonyms
from services.triage.brp.protocol import Protocol
from services.triage.domain.household import PartialDate, Resident

BY_OBJECT = "ZoekMetAdresseerbaarObjectIdentificatie"
BY_POSTCODE = "ZoekMetPostcodeEnHuisnummer"
BY_BSN = "RaadpleegMetBurgerservicenummer"
RESIDENT_FIELDS = ("geboorte.datum",)
MAX_BSNS_PER_QUERY = 20  # the API's maxItems for burgerservicenummer


class HaalCentraalBrpClient:
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
        self._url = base_url.rstrip("/") + "/personen"
        self._persons = persons
        # With pseudonyms the BSN is asked too, and turned into its pseudonym in `resident_from`.
        self._fields = [*RESIDENT_FIELDS, "burgerservicenummer"] if persons else list(RESIDENT_FIELDS)
        self._poster = JsonPoster(
            api_key=api_key, timeout=timeout, attempts=attempts, backoff=backoff, transport=transport, protocol=protocol,
            tokens=tokens,
        )

    async def residents_at(self, adresseerbaar_object_id: str) -> list[Resident]:
        """Everyone registered as living at the dwelling (BAG adresseerbaar object) now."""
        return await self._search(
            {"type": BY_OBJECT, "adresseerbaarObjectIdentificatie": adresseerbaar_object_id}
        )

    async def residents_by_postcode(
        self,
        postcode: str,
        huisnummer: int,
        huisletter: str | None = None,
        toevoeging: str | None = None,
        gemeentecode: str | None = None,
    ) -> list[Resident]:
        """Everyone living at postcode + house number; letter, addition and municipality narrow it down."""
        return await self._search(_postcode_query(postcode, huisnummer, huisletter, toevoeging, gemeentecode))

    async def dwellings_at_postcode(
        self,
        postcode: str,
        huisnummer: int,
        huisletter: str | None = None,
        toevoeging: str | None = None,
        gemeentecode: str | None = None,
    ) -> frozenset[str]:
        """The BAG ids of the dwellings where the residents of postcode + house number live.

        A postcode search answers PersoonBeperkt, which has no verblijfplaats (see
        the OpenAPI document), so the BAG id takes two steps: the BSNs of who lives
        there, then `verblijfplaats.adresseerbaarObjectIdentificatie` of those BSNs.
        The BSNs stay inside this method: never returned, never logged. Empty: the
        register knows nobody there. More than one: the address without letter or
        addition covers several dwellings. With `gemeentecode` only residents registered in
        that municipality count (`gemeenteVanInschrijving`): the partner said where the
        dwelling is, and a postcode can cross a municipal border."""
        query = _postcode_query(postcode, huisnummer, huisletter, toevoeging, gemeentecode)
        answer = await self._poster.post(self._url, query | {"fields": ["burgerservicenummer"]}, BY_POSTCODE)
        bsns = sorted({p["burgerservicenummer"] for p in _persons(answer, BY_POSTCODE) if isinstance(p.get("burgerservicenummer"), str)})
        found: set[str] = set()
        for start in range(0, len(bsns), MAX_BSNS_PER_QUERY):
            lookup = {
                "type": BY_BSN,
                "burgerservicenummer": bsns[start : start + MAX_BSNS_PER_QUERY],
                "fields": ["verblijfplaats.adresseerbaarObjectIdentificatie"],
            }
            for person in _persons(await self._poster.post(self._url, lookup, BY_BSN), BY_BSN):
                place = person.get("verblijfplaats")
                object_id = place.get("adresseerbaarObjectIdentificatie") if isinstance(place, dict) else None
                if isinstance(object_id, str) and object_id:
                    found.add(object_id)
        return frozenset(found)

    async def _search(self, query: dict) -> list[Resident]:
        answer = await self._poster.post(self._url, query | {"fields": self._fields}, query["type"])
        persons = answer.get("personen", [])
        if not isinstance(persons, list):
            raise RegisterUnavailable(query["type"], 1, "answer without a list of personen")
        return [resident_from(person, self._persons) for person in persons if isinstance(person, dict)]

    async def aclose(self) -> None:
        await self._poster.aclose()

    async def __aenter__(self) -> HaalCentraalBrpClient:
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.aclose()


def _persons(answer: dict, operation: str) -> list[dict]:
    persons = answer.get("personen", [])
    if not isinstance(persons, list):
        raise RegisterUnavailable(operation, 1, "answer without a list of personen")
    return [person for person in persons if isinstance(person, dict)]


def resident_from(person: dict, pseudonyms: PersonPseudonyms | None = None) -> Resident:
    """A Haal Centraal person (or Bewoning bewoner) reduced to what triage needs: the BSN
    only as its keyed pseudonym, and only when `pseudonyms` is given."""
    geboorte = person.get("geboorte")
    datum = geboorte.get("datum") if isinstance(geboorte, dict) else None
    bsn = person.get("burgerservicenummer")
    pseudonym = pseudonyms(bsn) if pseudonyms is not None and isinstance(bsn, str) and bsn.strip() else None
    return Resident(birth_date=partial_date(datum), secret=person.get("geheimhoudingPersoonsgegevens") is True, person=pseudonym)


def partial_date(datum: object) -> PartialDate | None:
    """Haal Centraal AbstractDatum (Datum, JaarMaandDatum, JaarDatum, DatumOnbekend) as a PartialDate.

    Anything unreadable becomes None, which the family rule treats as unknown
    rather than guessing.
    """
    if not isinstance(datum, dict):
        return None
    kind = datum.get("type")
    try:
        if kind == "Datum":
            full = date.fromisoformat(datum["datum"])
            return PartialDate(full.year, full.month, full.day)
        if kind == "JaarMaandDatum":
            month = int(datum["maand"])
            return PartialDate(_year(datum["jaar"]), month if 1 <= month <= 12 else None)
        if kind == "JaarDatum":
            return PartialDate(_year(datum["jaar"]))
        if kind == "DatumOnbekend":
            return PartialDate(None)
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _year(value: object) -> int:
    year = int(value)
    if not 1 <= year <= 9999:
        raise ValueError(year)
    return year


def _postcode_query(
    postcode: str, huisnummer: int, huisletter: str | None, toevoeging: str | None, gemeentecode: str | None = None
) -> dict:
    """ZoekMetPostcodeEnHuisnummer; letter, addition and municipality only when given."""
    query: dict = {"type": BY_POSTCODE, "postcode": postcode, "huisnummer": huisnummer}
    if gemeentecode:
        query["gemeenteVanInschrijving"] = gemeentecode
    if huisletter:
        query["huisletter"] = huisletter
    if toevoeging:
        query["huisnummertoevoeging"] = toevoeging
    return query
