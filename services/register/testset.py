"""Reading the stand-in's test persons: the official RvIG GBA-V export and our own
fictitious households (testdata/README.md has the column codes).

* A row whose first column holds a record id (``Lg01_716``) starts a person and
  carries the current values of every category; rows with an empty first column
  continue that person with older (historical) versions, newest first.
* Category 08 rows are the person's addresses. Rows marked incorrect
  (08.84.10 = O) are skipped. Rows with the same start date are versions of one
  residence (a correction, or the BAG id added later): the newest version wins,
  so a BAG id found later is read as valid for the whole residence.
* BAG ids are normalised: surrounding blanks are dropped and a 15-digit id gets
  back the leading zero a spreadsheet took from it; the placeholder
  0000000000000000 and anything else that is not 16 digits is no id at all.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from services.register.dates import GbaDate
from services.register.persons import SOURCE_OURS, SOURCE_RVIG, Address, Person, normalise_object_id, normalise_postcode

TESTDATA = Path(__file__).resolve().parent / "testdata"
OFFICIAL_CSV = "gba-v-testset-proefomgeving-20220502.csv"
EXTRA_HOUSEHOLDS = "extra_households.json"


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
