"""Test hook of the stand-in (SIGNAL_ENVIRONMENT=test only, never in a product path): a
family of the test set moves to another dwelling, so a test can follow it across addresses
(docs/adr/0038). The real BRP learns a move from the municipality; the stand-in's test set
is fixed, so a test tells it.

`POST /test/verhuizing` with `burgerservicenummers`, the new dwelling's
`adresseerbaarObjectIdentificatie` and `datumAanvangAdreshouding`: each person gets a new
residence from that day (the old one ends the day before, as a registered move does), and
BRP Personen and Bewoning answer from the new store at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import FastAPI
from pydantic import BaseModel, Field

from services.register.dates import GbaDate
from services.register.persons import Address
from services.register.population import RegisterStore

PATH = "/test/verhuizing"


class Move(BaseModel):
    burgerservicenummers: list[str] = Field(min_length=1, max_length=20)
    adresseerbaarObjectIdentificatie: str = Field(pattern=r"^[0-9]{16}$")
    datumAanvangAdreshouding: date


def moved(store: RegisterStore, move: Move) -> tuple[RegisterStore, int]:
    """A new store in which the persons live at the dwelling from the day on; how many moved."""
    object_id, since = move.adresseerbaarObjectIdentificatie, move.datumAanvangAdreshouding
    address = _address_of(store, object_id, since)
    persons, count = [], 0
    for person in store.persons:
        if person.bsn in move.burgerservicenummers:
            person = replace(person, addresses=(*person.addresses, address))
            count += 1
        persons.append(person)
    return RegisterStore(persons), count


def _address_of(store: RegisterStore, object_id: str, since: date) -> Address:
    """The dwelling as its residents' records describe it, or just its BAG id."""
    start = GbaDate(since.year, since.month, since.day)
    for residence in store.residences_at(object_id):
        return replace(residence.address, start=start, function="W")
    return Address(start=start, function="W", municipality=object_id[:4], object_id=object_id, nummeraanduiding_id=None,
                   street=None, official_street=None, house_number=None, house_letter=None, addition=None, postcode=None,
                   place=None)  # fmt: skip


def add_move_hook(app: FastAPI, apis: list) -> None:
    """Serve the hook; `apis` are the Personen and Bewoning APIs that answer from the store."""

    @app.post(PATH, include_in_schema=False)
    async def move_persons(move: Move) -> dict:
        store, count = moved(app.state.store, move)
        app.state.store = store
        for api in apis:
            api.store = store
        return {"moved": count}
