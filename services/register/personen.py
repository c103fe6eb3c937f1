"""BRP Personen 2.x: the `POST /personen` searches the chain uses, served from the population register (population.py).

Served: ZoekMetAdresseerbaarObjectIdentificatie, ZoekMetPostcodeEnHuisnummer and
RaadpleegMetBurgerservicenummer, with `fields`, `gemeenteVanInschrijving` and
`inclusiefOverledenPersonen`. Every field path of the official schema is
accepted, but the stand-in only holds what the test set can fill: name, birth,
sex, age, current address, municipality, death, secrecy and suspension. Ask for
anything else (parents, nationality, gezag, ...) and it is simply absent, as
the real API does for a person without that data.

Where the real API returns a person with a briefadres (postal address) at the
searched dwelling, the stand-in does not: the chain asks "who lives here", and
a briefadres holder does not live there. BRP Bewoning makes the same choice.
"""

from __future__ import annotations

from datetime import date

from services.register.dates import age_on
from services.register.fields import FIELD_PATTERN, FieldCatalogue, project
from services.register.problems import (
    FIELD_NOT_ALLOWED,
    FIELD_UNKNOWN,
    NOT_ARRAY,
    REQUIRED,
    Params,
    check_type,
    matches,
    pattern_reason,
)
from services.register.persons import UNKNOWN_COUNTRY, Address, Person
from services.register.population import RegisterStore

BY_OBJECT = "ZoekMetAdresseerbaarObjectIdentificatie"
BY_POSTCODE = "ZoekMetPostcodeEnHuisnummer"
BY_BSN = "RaadpleegMetBurgerservicenummer"
RESPONSE_SCHEMAS = {BY_OBJECT: "GezagPersoonBeperkt", BY_POSTCODE: "PersoonBeperkt", BY_BSN: "Persoon"}

# Patterns and limits as the OpenAPI document declares them.
OBJECT_ID_PATTERN = r"^(?!0{16})[0-9]{16}$"
POSTCODE_PATTERN = r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$"
HOUSE_LETTER_PATTERN = r"^[a-zA-Z]{1}$"
ADDITION_PATTERN = r"^[a-zA-Z0-9 \-]{1,4}$"
BSN_PATTERN = r"^[0-9]{9}$"
MUNICIPALITY_PATTERN = r"^[0-9]{4}$"
SURNAME_PATTERN = r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*{1}$"
MAX_FIELDS, MAX_BSNS = 130, 20

SEXES = {"M": "man", "V": "vrouw", "O": "onbekend"}
ADDRESS_FUNCTIONS = {"W": "woonadres", "B": "briefadres"}
SUSPENSIONS = {
    "O": "overlijden",
    "E": "emigratie",
    "M": "ministerieel besluit",
    "R": "pl is aangelegd in de rni",
}


class PersonenApi:
    def __init__(self, store: RegisterStore, openapi: dict):
        self.store = store
        self.catalogues = {kind: FieldCatalogue(openapi, name) for kind, name in RESPONSE_SCHEMAS.items()}

    def search(self, body: dict, today: date) -> dict:
        kind = check_type(body, tuple(RESPONSE_SCHEMAS))
        params = Params(body)
        common = {"type", "fields", "gemeenteVanInschrijving"}
        municipality = params.string("gemeenteVanInschrijving", pattern=MUNICIPALITY_PATTERN)
        if kind == BY_OBJECT:
            params.only(common | {"adresseerbaarObjectIdentificatie", "inclusiefOverledenPersonen"})
            object_id = params.string("adresseerbaarObjectIdentificatie", required=True, pattern=OBJECT_ID_PATTERN)
            deceased = params.boolean("inclusiefOverledenPersonen")
            fields = self._fields(params, kind)
            params.raise_if_invalid()
            found = self.store.residents_at(object_id, include_deceased=bool(deceased))
        elif kind == BY_POSTCODE:
            criteria = self._postcode_criteria(params, common)
            fields = self._fields(params, kind)
            params.raise_if_invalid()
            found = self._by_postcode(**criteria)
        else:
            params.only(common | {"burgerservicenummer"})
            bsns = self._bsns(params)
            fields = self._fields(params, kind)
            params.raise_if_invalid()
            found = [person for bsn in dict.fromkeys(bsns) for person in self.store.by_bsn(bsn)]
        if municipality is not None:
            found = [p for p in found if p.current_address and p.current_address.municipality == municipality]
        restricted = kind != BY_BSN
        persons = [
            project(person_document(p, today, restricted=restricted), fields) | auto_delivered(p)
            for p in found
        ]
        return {"type": kind, "personen": persons}

    def _postcode_criteria(self, params: Params, common: set[str]) -> dict:
        params.only(
            common
            | {"postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "geboortedatum",
               "geslachtsnaam", "inclusiefOverledenPersonen"}
        )  # fmt: skip
        return {
            "postcode": params.string("postcode", required=True, pattern=POSTCODE_PATTERN),
            "number": params.integer("huisnummer", required=True, minimum=1, maximum=99999),
            "letter": params.string("huisletter", pattern=HOUSE_LETTER_PATTERN),
            "addition": params.string("huisnummertoevoeging", pattern=ADDITION_PATTERN),
            "born": params.date("geboortedatum"),
            "surname": params.string("geslachtsnaam", pattern=SURNAME_PATTERN),
            "deceased": bool(params.boolean("inclusiefOverledenPersonen")),
        }

    def _by_postcode(
        self,
        postcode: str,
        number: int,
        letter: str | None,
        addition: str | None,
        born: date | None,
        surname: str | None,
        deceased: bool,
    ) -> list[Person]:
        found = self.store.residents_by_postcode(postcode, number, letter, addition, include_deceased=deceased)
        if born is not None:
            found = [p for p in found if p.birth and p.birth.is_complete and p.birth.earliest() == born]
        if surname is not None:
            found = [p for p in found if _surname_matches(p, surname)]
        return found

    def _bsns(self, params: Params) -> list[str]:
        value = params.body.get("burgerservicenummer")
        if value is None or value == []:
            params.fail("burgerservicenummer", REQUIRED)
            return []
        if not isinstance(value, list):
            params.fail("burgerservicenummer", NOT_ARRAY)
            return []
        if len(value) > MAX_BSNS:
            params.fail("burgerservicenummer", ("maxItems", f"Array bevat meer dan {MAX_BSNS} items."))
            return []
        for index, bsn in enumerate(value):
            if not isinstance(bsn, str) or not matches(BSN_PATTERN, bsn):
                params.fail(f"burgerservicenummer[{index}]", pattern_reason(BSN_PATTERN))
        return [bsn for bsn in value if isinstance(bsn, str)]

    def _fields(self, params: Params, kind: str) -> list[str]:
        value = params.body.get("fields")
        if value is None:
            params.fail("fields", REQUIRED)
            return []
        if not isinstance(value, list):
            params.fail("fields", NOT_ARRAY)
            return []
        if not value:
            params.fail("fields", ("minItems", "Array bevat minder dan 1 items."))
            return []
        if len(value) > MAX_FIELDS:
            params.fail("fields", ("maxItems", f"Array bevat meer dan {MAX_FIELDS} items."))
            return []
        reasons = {"pattern": pattern_reason(FIELD_PATTERN), "unknown": FIELD_UNKNOWN,
                   "not_allowed": FIELD_NOT_ALLOWED}  # fmt: skip
        for index, path in enumerate(value):
            problem = self.catalogues[kind].problem(path)
            if problem:
                params.fail(f"fields[{index}]", reasons[problem])
        return [path for path in value if isinstance(path, str)]


def _surname_matches(person: Person, wanted: str) -> bool:
    surname = (person.surname or "").lower()
    wanted = wanted.lower()
    return surname.startswith(wanted[:-1]) if wanted.endswith("*") else surname == wanted


# --- documents -------------------------------------------------------------------------


def person_document(person: Person, today: date, *, restricted: bool) -> dict:
    """Everything the stand-in knows of a person, in the Persoon(Beperkt) shape.

    `restricted` gives PersoonBeperkt (the search result shape); otherwise Persoon.
    """
    document: dict = {}
    if person.bsn:
        document["burgerservicenummer"] = person.bsn
    if name := name_document(person):
        document["naam"] = name
    if person.birth is not None:
        document["geboorte"] = {"datum": person.birth.to_api()}
    if person.sex in SEXES:
        document["geslacht"] = {"code": person.sex, "omschrijving": SEXES[person.sex]}
    age = None if person.is_deceased else age_on(person.birth, today)
    if age is not None:
        document["leeftijd"] = age
    if restricted:
        return document
    if person.a_number:
        document["aNummer"] = person.a_number
    address = person.current_address
    if address is not None:
        document["verblijfplaats"] = residence_document(address)
        if address.municipality:
            document["gemeenteVanInschrijving"] = {"code": address.municipality}
    if person.death is not None:
        document["overlijden"] = {"datum": person.death.to_api()}
    return document


def auto_delivered(person: Person) -> dict:
    """Fields the API adds without being asked: secrecy (only when set) and suspension."""
    extra: dict = {}
    if person.secrecy > 0:
        extra["geheimhoudingPersoonsgegevens"] = True
    if person.is_suspended:
        suspension: dict = {"reden": {"code": person.suspension_reason}}
        if person.suspension_reason in SUSPENSIONS:
            suspension["reden"]["omschrijving"] = SUSPENSIONS[person.suspension_reason]
        if person.suspension_date is not None:
            suspension["datum"] = person.suspension_date.to_api()
        extra["opschortingBijhouding"] = suspension
    return extra


def name_document(person: Person) -> dict:
    name = {}
    if person.given_names:
        name["voornamen"] = person.given_names
        name["voorletters"] = "".join(f"{part[0]}." for part in person.given_names.split())
    if person.prefix:
        name["voorvoegsel"] = person.prefix
    if person.surname:
        name["geslachtsnaam"] = person.surname
    if full := full_name(person):
        name["volledigeNaam"] = full
    return name


def full_name(person: Person) -> str:
    return " ".join(part for part in (person.given_names, person.prefix, person.surname) if part)


def residence_document(address: Address) -> dict:
    """AbstractVerblijfplaats: Adres, VerblijfplaatsBuitenland or VerblijfplaatsOnbekend."""
    since = address.start.to_api()
    if address.country == UNKNOWN_COUNTRY:
        return {"type": "VerblijfplaatsOnbekend", "datumVan": since}
    if address.is_abroad:
        lines = dict(zip(("regel1", "regel2", "regel3"), address.foreign_lines))
        return {"type": "VerblijfplaatsBuitenland", "datumVan": since,
                "verblijfadres": lines | {"land": {"code": address.country}}}  # fmt: skip
    street = {
        "officieleStraatnaam": address.official_street or address.street,
        "korteStraatnaam": address.street,
        "huisnummer": address.house_number,
        "huisletter": address.house_letter,
        "huisnummertoevoeging": address.addition,
        "postcode": address.postcode,
        "woonplaats": address.place,
    }
    document = {"type": "Adres", "datumVan": since,
                "verblijfadres": {k: v for k, v in street.items() if v is not None}}  # fmt: skip
    if address.object_id:
        document["adresseerbaarObjectIdentificatie"] = address.object_id
    if address.nummeraanduiding_id:
        document["nummeraanduidingIdentificatie"] = address.nummeraanduiding_id
    if address.function in ADDRESS_FUNCTIONS:
        document["functieAdres"] = {"code": address.function, "omschrijving": ADDRESS_FUNCTIONS[address.function]}
    return document
