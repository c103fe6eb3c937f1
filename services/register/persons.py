"""Persons of the stand-in's register and their stays at dwellings: what a GBA-V record
holds (an address per residence record, death, suspension) and the residence periods
BRP Bewoning answers from, with the uncertainty their partial dates leave.

* An address abroad (08.13.10 land) or a postal address (briefadres,
  08.10.10 = B) ends the previous residence but is not living in a dwelling.
* A person who died (category 06) or whose record is suspended (07.67.20) is
  nobody's current resident; the death or suspension date ends the last
  residence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from services.register.dates import GbaDate

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
