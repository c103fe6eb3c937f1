"""Who lives at a dwelling, asked of the population register (Haal Centraal BRP Personen 2.x).

The client speaks the real API, so the stand-in (services.register) and a
municipality's BRP endpoint are interchangeable by configuring `base_url`
(e.g. http://127.0.0.1:8090/haalcentraal/api/brp) and an API key.

Data minimisation: triage asks only for `geboorte.datum`, the one field the
family rule needs. A signal without a BAG id is located first
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
problem+json the register sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date

import httpx

from shared.faults import Dependency, TransientFailure
from services.triage.brp.protocol import Protocol
from services.triage.domain.household import PartialDate, Resident

log = logging.getLogger(__name__)

BY_OBJECT = "ZoekMetAdresseerbaarObjectIdentificatie"
BY_POSTCODE = "ZoekMetPostcodeEnHuisnummer"
BY_BSN = "RaadpleegMetBurgerservicenummer"
RESIDENT_FIELDS = ("geboorte.datum",)
MAX_BSNS_PER_QUERY = 20  # the API's maxItems for burgerservicenummer
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class RegisterError(Exception):
    """The register gave no usable answer."""


class RegisterUnavailable(RegisterError, TransientFailure):
    """No usable answer after every attempt (down, timing out, failing with 5xx): it can pass."""

    dependency = Dependency.REGISTER

    def __init__(self, operation: str, attempts: int, last_failure: str):
        super().__init__(f"register {operation}: no answer after {attempts} attempt(s), last: {last_failure}")
        self.operation, self.attempts, self.last_failure = operation, attempts, last_failure


class RegisterRequestRejected(RegisterError):
    """The register refused the request (4xx); `problem` is its problem+json body."""

    def __init__(self, status: int, problem: dict):
        self.status = status
        self.problem = problem
        self.code: str | None = problem.get("code")
        self.title: str | None = problem.get("title")
        self.detail: str | None = problem.get("detail")
        self.invalid_params: list[dict] = [p for p in problem.get("invalidParams", []) if isinstance(p, dict)]
        names = ", ".join(str(p.get("name")) for p in self.invalid_params) or "-"
        super().__init__(f"register rejected the request: {status} {self.code or ''} (parameters: {names})")


class JsonPoster:
    """POSTs a JSON query and returns the JSON answer, retrying what may pass.

    Shared by the Personen and Bewoning clients, which differ only in path and body.
    """

    def __init__(
        self,
        *,
        api_key: str | None,
        timeout: float,
        attempts: int,
        backoff: float,
        transport: httpx.AsyncBaseTransport | None,
        protocol: Protocol | None = None,
    ):
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        if api_key:
            headers["X-API-KEY"] = api_key
        self._http = httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(timeout), transport=transport)
        self._attempts, self._backoff = attempts, backoff
        self._protocol = protocol

    async def post(self, url: str, body: dict, operation: str) -> dict:
        payload = json.dumps(body).encode()
        for attempt in range(1, self._attempts + 1):
            outcome = await self._try(url, payload, operation)
            if isinstance(outcome, dict):
                return outcome
            log.warning("register %s attempt %d/%d failed: %s", operation, attempt, self._attempts, outcome)
            if attempt < self._attempts:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise RegisterUnavailable(operation, self._attempts, outcome)

    async def _try(self, url: str, payload: bytes, operation: str) -> dict | str:
        """The answer, or a short description of a failure worth retrying."""
        try:
            headers = self._protocol.headers() if self._protocol is not None else None
            response = await self._http.post(url, content=payload, headers=headers)
        except _RETRYABLE_ERRORS as error:
            return type(error).__name__
        except httpx.HTTPError as error:  # bad URL, unsupported scheme: retrying will not help
            raise RegisterUnavailable(operation, 1, type(error).__name__) from None
        status = response.status_code
        if status >= 500 or status == 429:
            return f"HTTP {status}"
        if 400 <= status < 500:
            raise RegisterRequestRejected(status, _problem(response))
        if status != 200:
            raise RegisterUnavailable(operation, 1, f"unexpected HTTP {status}")
        try:
            answer = response.json()
        except ValueError:
            return "response is not JSON"
        return answer if isinstance(answer, dict) else "response is not a JSON object"

    async def aclose(self) -> None:
        await self._http.aclose()


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
    ):
        self._url = base_url.rstrip("/") + "/personen"
        self._poster = JsonPoster(
            api_key=api_key, timeout=timeout, attempts=attempts, backoff=backoff, transport=transport, protocol=protocol
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
        answer = await self._poster.post(self._url, query | {"fields": list(RESIDENT_FIELDS)}, query["type"])
        persons = answer.get("personen", [])
        if not isinstance(persons, list):
            raise RegisterUnavailable(query["type"], 1, "answer without a list of personen")
        return [resident_from(person) for person in persons if isinstance(person, dict)]

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


def resident_from(person: dict) -> Resident:
    """A Haal Centraal person (or Bewoning bewoner) reduced to what triage needs."""
    geboorte = person.get("geboorte")
    datum = geboorte.get("datum") if isinstance(geboorte, dict) else None
    return Resident(birth_date=partial_date(datum), secret=person.get("geheimhoudingPersoonsgegevens") is True)


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


def _problem(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {"status": response.status_code}


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
