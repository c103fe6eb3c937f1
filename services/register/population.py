"""The stand-in's population register: official RvIG test persons plus our own fixtures
(services.register.testset), read once into memory and indexed for the three questions the
chain asks: who is this person (BSN), who lives here now (BAG id, or postcode and house
number), and who lived here on a date (residence periods, for BRP Bewoning).

Records suspended because they were wrong or wiped (reason F, W) are left out
altogether, as the real BRP does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from services.register.persons import BLOCKED_SUSPENSIONS, Person, Residence, normalise_postcode, residences_of
from services.register.testset import EXTRA_HOUSEHOLDS, OFFICIAL_CSV, TESTDATA, read_extra_households, read_official_csv


class RegisterStore:
    """Indexes over a fixed list of persons; build it with `load()` or from persons."""

    def __init__(self, persons: Iterable[Person]):
        self.persons: tuple[Person, ...] = tuple(
            p for p in persons if p.suspension_reason not in BLOCKED_SUSPENSIONS
        )
        self._by_bsn: dict[str, list[Person]] = defaultdict(list)
        self._by_object: dict[str, list[Person]] = defaultdict(list)
        self._by_postcode: dict[tuple[str, int], list[Person]] = defaultdict(list)
        self._residences: dict[str, list[Residence]] = defaultdict(list)
        for person in self.persons:
            if person.bsn:
                self._by_bsn[person.bsn].append(person)
            current = person.lives_now_at(include_deceased=True)
            if current is not None:
                if current.object_id:
                    self._by_object[current.object_id].append(person)
                if current.postcode and current.house_number is not None:
                    self._by_postcode[(current.postcode, current.house_number)].append(person)
            for residence in residences_of(person):
                self._residences[residence.address.object_id].append(residence)

    @classmethod
    def load(cls, directory: Path = TESTDATA) -> RegisterStore:
        persons = list(read_official_csv(directory / OFFICIAL_CSV))
        persons += read_extra_households(directory / EXTRA_HOUSEHOLDS)
        return cls(persons)

    def by_bsn(self, bsn: str) -> list[Person]:
        return list(self._by_bsn.get(bsn, ()))

    def residents_at(self, object_id: str, *, include_deceased: bool = False) -> list[Person]:
        return [
            p for p in self._by_object.get(object_id, ()) if p.lives_now_at(include_deceased) is not None
        ]

    def residents_by_postcode(
        self,
        postcode: str,
        house_number: int,
        house_letter: str | None = None,
        addition: str | None = None,
        *,
        include_deceased: bool = False,
    ) -> list[Person]:
        """Like the real API: a letter or addition narrows the search, leaving it out widens it."""
        found = []
        for person in self._by_postcode.get((normalise_postcode(postcode) or "", house_number), ()):
            address = person.lives_now_at(include_deceased)
            if address is None:
                continue
            if house_letter and (address.house_letter or "").lower() != house_letter.lower():
                continue
            if addition and (address.addition or "").strip().lower() != addition.strip().lower():
                continue
            found.append(person)
        return found

    def residences_at(self, object_id: str) -> list[Residence]:
        return list(self._residences.get(object_id, ()))
