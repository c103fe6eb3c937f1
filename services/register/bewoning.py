"""BRP Bewoning 2.x: who lived at a dwelling on a date or during a period.

A period is cut wherever the composition changes, and each piece is one
`bewoning` (datumTot is exclusive, as in the API). A person is a
`mogelijkeBewoner` while a partial move-in or move-out date leaves it open
whether they lived there: for a move-in date of "2010-08-00" that is all of
August 2010 (see Residence in persons.py). A peildatum is the period
[peildatum, peildatum + 1 day). No one there means no bewoning at all.
"""

from __future__ import annotations

from datetime import date, timedelta

from services.register.personen import OBJECT_ID_PATTERN, full_name
from services.register.problems import Params, check_type
from services.register.persons import Person, Residence
from services.register.population import RegisterStore

ON_DATE = "BewoningMetPeildatum"
IN_PERIOD = "BewoningMetPeriode"
MAX_PERSONS = 100  # the schema's maxItems; beyond it only indicatieVeelBewoners is given


class BewoningApi:
    def __init__(self, store: RegisterStore):
        self.store = store

    def search(self, body: dict) -> dict:
        kind = check_type(body, (ON_DATE, IN_PERIOD))
        params = Params(body)
        if kind == ON_DATE:
            params.only({"type", "adresseerbaarObjectIdentificatie", "peildatum"})
            object_id = params.string("adresseerbaarObjectIdentificatie", required=True, pattern=OBJECT_ID_PATTERN)
            start = params.date("peildatum", required=True)
            params.raise_if_invalid()
            end = start + timedelta(days=1)
        else:
            params.only({"type", "adresseerbaarObjectIdentificatie", "datumVan", "datumTot"})
            object_id = params.string("adresseerbaarObjectIdentificatie", required=True, pattern=OBJECT_ID_PATTERN)
            start = params.date("datumVan", required=True)
            end = params.date("datumTot", required=True)
            if start is not None and end is not None and end <= start:
                params.fail("datumTot", ("invalidParam", "datumTot moet na datumVan liggen."))
            params.raise_if_invalid()
        return {"bewoningen": occupancy(object_id, self.store.residences_at(object_id), start, end)}


def occupancy(object_id: str, residences: list[Residence], start: date, end: date) -> list[dict]:
    """The compositions of a dwelling between `start` (inclusive) and `end` (exclusive)."""
    cuts = {start, end} | {day for r in residences for day in r.change_days() if start < day < end}
    days = sorted(cuts)
    pieces: list[list] = []  # [since, until, residents, possible]
    for since, until in zip(days, days[1:]):
        residents, possible = _composition_on(residences, since)
        if pieces and (pieces[-1][2], pieces[-1][3]) == (residents, possible):
            pieces[-1][1] = until
        else:
            pieces.append([since, until, residents, possible])
    return [
        _bewoning(object_id, since, until, residents, possible)
        for since, until, residents, possible in pieces
        if residents or possible
    ]


def _composition_on(residences: list[Residence], day: date) -> tuple[dict, dict]:
    residents: dict[str, Person] = {}
    possible: dict[str, Person] = {}
    for residence in residences:
        status = residence.status_on(day)
        if status == "resident":
            residents[residence.person.record_id] = residence.person
        elif status == "possible":
            possible[residence.person.record_id] = residence.person
    for record_id in residents:  # certain in one stay beats possible in another
        possible.pop(record_id, None)
    return residents, possible


def _bewoning(object_id: str, since: date, until: date, residents: dict, possible: dict) -> dict:
    bewoning = {
        "adresseerbaarObjectIdentificatie": object_id,
        "periode": {"datumVan": since.isoformat(), "datumTot": until.isoformat()},
    }
    if len(residents) + len(possible) > MAX_PERSONS:
        return bewoning | {"bewoners": [], "mogelijkeBewoners": [], "indicatieVeelBewoners": True}
    return bewoning | {
        "bewoners": [bewoner(p) for p in _ordered(residents)],
        "mogelijkeBewoners": [bewoner(p) for p in _ordered(possible)],
    }


def _ordered(persons: dict[str, Person]) -> list[Person]:
    return sorted(persons.values(), key=lambda p: (p.bsn or "", p.record_id))


def bewoner(person: Person) -> dict:
    document: dict = {}
    if person.bsn:
        document["burgerservicenummer"] = person.bsn
    if person.secrecy > 0:
        document["geheimhoudingPersoonsgegevens"] = True
    if name := full_name(person):
        document["naam"] = {"volledigeNaam": name}
    if person.birth is not None:
        document["geboorte"] = {"datum": person.birth.to_api()}
    return document
