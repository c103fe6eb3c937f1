"""The stand-in's population register: official RvIG test persons plus our own fixtures.

Everything is read once into memory and indexed for the three questions the
chain asks: who is this person (BSN), who lives here now (BAG id, or postcode
and house number), and who lived here on a date (residence periods, for BRP
Bewoning).

How the GBA-V export is read (see testdata/README.md for the column codes):

* A row whose first column holds a record id (``Lg01_716``) starts a person and
  carries the current values of every category; rows with an empty first column
  continue that person with older (historical) versions, newest first.
* Category 08 rows are the person's addresses. Rows marked incorrect
  (08.84.10 = O) are skipped. Rows with the same start date are versions of one
  residence (a correction, or the BAG id added later): the newest version wins,
  so a BAG id found later is read as valid for the whole residence.
* An address abroad (08.13.10 land) or a postal address (briefadres,
  08.10.10 = B) ends the previous residence but is not living in a dwelling.
* A person who died (category 06) or whose record is suspended (07.67.20) is
  nobody's current resident; the death or suspension date ends the last
  residence. Records suspended because they were wrong or wiped (reason F, W)
  are left out altogether, as the real BRP does.
* BAG ids are normalised: surrounding blanks are dropped and a 15-digit id gets
  back the leading zero a spreadsheet took from it; the placeholder
  0000000000000000 and anything else that is not 16 digits is no id at all.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from services.register.dates import GbaDate

TESTDATA = Path(__file__).resolve().parent / "testdata"
OFFICIAL_CSV = "gba-v-testset-proefomgeving-20220502.csv"
EXTRA_HOUSEHOLDS = "extra_households.json"

SOURCE_RVIG = "rvig"
SOURCE_OURS = "signal-chain"

BLOCKED_SUSPENSIONS = frozenset({"F", "W"})  # fout, wissen: the record does not count
DECEASED = "O"  # reden opschorting bijhouding: overlijden
UNKNOWN_COUNTRY = "0000"  # land "onbekend": verblijfplaats onbekend
_EARLIEST, _LATEST = date.min, date.max


def normalise_object_id(raw: str | None) -> str | None:
    """A clean 16-digit BAG id, or None for blanks, placeholders and garbage."""
    value = (raw or "").strip()
    if len(value) == 15 and value.isdigit():
        value = "0" + value
    if len(value) != 16 or not value.isdigit() or value == "0" * 16:
        return None
    return value


def normalise_postcode(raw: str | None) -> str | None:
    value = "".join((raw or "").split()).upper()
    return value or None


@dataclass(frozen=True)
class Address:
    """One residence record (category 08): a dwelling, a postal address or abroad."""

    start: GbaDate  # datum aanvang adreshouding, or of the address abroad
    function: str | None  # W woonadres, B briefadres, None abroad
    municipality: str | None  # gemeente van inschrijving
    object_id: str | None  # adresseerbaarObjectIdentificatie (BAG)
    nummeraanduiding_id: str | None
    street: str | None
    official_street: str | None
    house_number: int | None
    house_letter: str | None
    addition: str | None  # huisnummertoevoeging
    postcode: str | None
    place: str | None  # woonplaats
    country: str | None = None  # land of the address abroad; None when in NL
    foreign_lines: tuple[str, ...] = ()

    @property
    def is_abroad(self) -> bool:
        return self.country is not None

    @property
    def is_home(self) -> bool:
        """An address in NL where the person lives, as opposed to a briefadres or abroad."""
        return not self.is_abroad and self.function == "W"


@dataclass(frozen=True)
class Person:
    record_id: str  # "Lg01_716" for official persons, "<case>/<n>" for ours
    source: str
    bsn: str | None
    a_number: str | None
    given_names: str | None
    prefix: str | None  # voorvoegsel
    surname: str | None
    sex: str | None  # M, V, O
    birth: GbaDate | None
    secrecy: int  # indicatie geheim 0..7
    death: GbaDate | None
    suspension_reason: str | None
    suspension_date: GbaDate | None
    addresses: tuple[Address, ...]  # oldest first

    @property
    def current_address(self) -> Address | None:
        return self.addresses[-1] if self.addresses else None

    @property
    def is_deceased(self) -> bool:
        return self.death is not None or self.suspension_reason == DECEASED

    @property
    def is_suspended(self) -> bool:
        return self.suspension_reason is not None

    def lives_now_at(self, include_deceased: bool = False) -> Address | None:
        """The address this person currently lives at, if any (it may lack a BAG id)."""
        address = self.current_address
        if address is None or not address.is_home:
            return None
        if self.is_suspended and not (include_deceased and self.is_deceased):
            return None
        if self.is_deceased and not include_deceased:
            return None
        return address


@dataclass(frozen=True)
class Residence:
    """A person's stay at one dwelling, with the uncertainty its dates leave.

    `start_*` bound the first day lived there; `end_*` the first day no longer
    lived there (None: still there). Equal bounds mean the date is known. The
    bounds are clipped by the neighbouring records: a stay cannot start before
    the previous one started, nor after the next one started.
    """

    person: Person
    address: Address
    start_earliest: date
    start_latest: date
    end_earliest: date | None
    end_latest: date | None

    def status_on(self, day: date) -> str | None:
        """Whether the person lived here on `day`.

        Returns "resident", "possible" (the partial dates cannot decide) or None.
        """
        if day < self.start_earliest:
            return None
        if self.end_earliest is not None:
            end_known = self.end_earliest == self.end_latest
            if (end_known and day >= self.end_earliest) or day > self.end_latest:
                return None
            if not end_known and day >= self.end_earliest:
                return "possible"
        if self.start_earliest != self.start_latest and day <= self.start_latest:
            return "possible"
        return "resident"

    def change_days(self) -> Iterator[date]:
        """Days on which `status_on` may differ from the day before."""
        yield self.start_earliest
        if self.start_earliest != self.start_latest:
            yield _next_day(self.start_latest)
        if self.end_earliest is not None:
            yield self.end_earliest
            yield _next_day(self.end_latest)


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


# --- residence periods ------------------------------------------------------------


def residences_of(person: Person) -> list[Residence]:
    """The person's stays in dwellings, with start and end bounds per record."""
    addresses = person.addresses
    if not addresses:
        return []
    starts_earliest: list[date] = []
    floor = _EARLIEST
    for address in addresses:
        earliest = max(address.start.earliest() or _EARLIEST, floor)
        starts_earliest.append(earliest)
        floor = _next_day(earliest)
    starts_latest: list[date] = [_LATEST] * len(addresses)
    ceiling = _LATEST
    for i in range(len(addresses) - 1, -1, -1):
        latest = min(addresses[i].start.latest() or _LATEST, ceiling)
        starts_latest[i] = max(latest, starts_earliest[i])
        ceiling = _previous_day(starts_latest[i])

    final_end = _final_end(person, starts_earliest[-1])
    residences = []
    for i, address in enumerate(addresses):
        if not address.is_home or address.object_id is None:
            continue
        if i + 1 < len(addresses):
            end = (starts_earliest[i + 1], starts_latest[i + 1])
        else:
            end = final_end
        residences.append(
            Residence(person, address, starts_earliest[i], starts_latest[i], end[0], end[1])
        )
    return residences


def _final_end(person: Person, last_start: date) -> tuple[date | None, date | None]:
    """Death (or suspension) ends the last stay; an unknown date leaves it open-ended."""
    if person.death is not None:
        ended = person.death
    elif person.suspension_date is not None:
        ended = person.suspension_date
    elif person.is_suspended:
        ended = GbaDate(None, None, None)
    else:
        return None, None
    # The person still lived there on the day of death; the stay ends the day after.
    earliest = max(_next_day(ended.earliest() or _EARLIEST), _next_day(last_start))
    latest = max(_next_day(ended.latest() or _LATEST), earliest)
    return earliest, latest


def _next_day(day: date) -> date:
    return day if day == _LATEST else day + timedelta(days=1)


def _previous_day(day: date) -> date:
    return day if day == _EARLIEST else day - timedelta(days=1)


# --- reading the official GBA-V export -------------------------------------------------


def read_official_csv(path: Path) -> Iterator[Person]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        column = {}
        for index, name in enumerate(header):
            column.setdefault(name.strip(), index)  # 06.88.10 appears twice; the first wins
        block: list[list[str]] = []
        for row in reader:
            if row and row[0].strip() and block:
                yield _person_from_rows(block, column)
                block = []
            if row:
                block.append(row)
        if block:
            yield _person_from_rows(block, column)


def _person_from_rows(rows: list[list[str]], column: dict[str, int]) -> Person:
    def field(row: list[str], code: str) -> str | None:
        index = column.get(code)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return value or None

    current = rows[0]
    death = None
    if field(current, "06.08.10") and field(current, "06.84.10") != "O":
        death = GbaDate.parse(field(current, "06.08.10"))
    return Person(
        record_id=current[0].strip(),
        source=SOURCE_RVIG,
        bsn=field(current, "01.01.20"),
        a_number=field(current, "01.01.10"),
        given_names=field(current, "01.02.10"),
        prefix=field(current, "01.02.30"),
        surname=field(current, "01.02.40"),
        sex=field(current, "01.04.10"),
        birth=GbaDate.parse(field(current, "01.03.10")),
        secrecy=int(field(current, "07.70.10") or 0),
        death=death,
        suspension_reason=field(current, "07.67.20"),
        suspension_date=GbaDate.parse(field(current, "07.67.10")),
        addresses=_addresses(rows, field),
    )


def _addresses(rows: list[list[str]], field) -> tuple[Address, ...]:
    """Category 08 records, oldest first, one per residence (newest version kept)."""
    newest_first: list[tuple[str, Address]] = []
    for row in rows:
        if field(row, "08.84.10") == "O":
            continue
        country = field(row, "08.13.10")
        start_raw = field(row, "08.13.20") if country else field(row, "08.10.30")
        if not (start_raw or country or field(row, "08.11.10") or field(row, "08.11.80")):
            continue  # this row has no address version
        start_raw = start_raw or "00000000"
        if newest_first and newest_first[-1][0] == start_raw:
            continue  # an older version of the same residence
        number = field(row, "08.11.20")
        address = Address(
            start=GbaDate.parse(start_raw),
            function=None if country else (field(row, "08.10.10") or "W"),
            municipality=field(row, "08.09.10"),
            object_id=None if country else normalise_object_id(field(row, "08.11.80")),
            nummeraanduiding_id=None if country else normalise_object_id(field(row, "08.11.90")),
            street=field(row, "08.11.10"),
            official_street=field(row, "08.11.15"),
            house_number=int(number) if number and number.isdigit() else None,
            house_letter=field(row, "08.11.30"),
            addition=field(row, "08.11.40"),
            postcode=normalise_postcode(field(row, "08.11.60")),
            place=field(row, "08.11.70"),
            country=country,
            foreign_lines=tuple(
                line for code in ("08.13.30", "08.13.40", "08.13.50") if (line := field(row, code))
            ),
        )
        newest_first.append((start_raw, address))
    return tuple(address for _, address in reversed(newest_first))


# --- reading our own fixtures --------------------------------------------------------


def read_extra_households(path: Path) -> list[Person]:
    """Our own fictitious households (testdata/extra_households.json); one address each."""
    document = json.loads(path.read_text(encoding="utf-8"))
    persons = []
    for household in document["households"]:
        place = household["address"]
        for number, entry in enumerate(household["persons"], start=1):
            address = Address(
                start=GbaDate.parse(entry["datumAanvangAdreshouding"]),
                function=entry.get("functieAdres", "W"),
                municipality=place["gemeentecode"],
                object_id=normalise_object_id(place["adresseerbaarObjectIdentificatie"]),
                nummeraanduiding_id=normalise_object_id(place.get("nummeraanduidingIdentificatie")),
                street=place["straat"],
                official_street=place["straat"],
                house_number=place["huisnummer"],
                house_letter=place.get("huisletter"),
                addition=place.get("huisnummertoevoeging"),
                postcode=normalise_postcode(place["postcode"]),
                place=place["woonplaats"],
            )
            persons.append(
                Person(
                    record_id=f"{household['case']}/{number}",
                    source=SOURCE_OURS,
                    bsn=entry["burgerservicenummer"],
                    a_number=None,
                    given_names=entry.get("voornamen"),
                    prefix=entry.get("voorvoegsel"),
                    surname=entry.get("geslachtsnaam"),
                    sex=entry.get("geslacht"),
                    birth=GbaDate.parse(entry.get("geboortedatum")),
                    secrecy=int(entry.get("indicatieGeheim", 0)),
                    death=GbaDate.parse(entry.get("datumOverlijden")),
                    suspension_reason=None,
                    suspension_date=None,
                    addresses=(address,),
                )
            )
    return persons
