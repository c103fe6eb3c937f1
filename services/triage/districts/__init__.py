"""The municipalities' postcode areas per district, read once at start.

One file per municipality, `<gemeentecode>.csv`, with the columns `postcode` (four
digits, or four digits and two letters for a part of an area) and `district` (a code of
the municipality's list in shared.contracts.districts). A postcode area in several
districts has one row per district. Where each file comes from and how old it is:
README.md beside them. A file that names a district the municipality does not have, or
a postcode that is not one, is refused at start, naming the file, the line and why.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from shared.contracts import districts
from services.triage.domain.district import PostcodeAreas

DEFAULT_FOLDER = Path(__file__).parent
_FILE_NAME = re.compile(r"^\d{4}\.csv$")
_POSTCODE = re.compile(r"^[1-9][0-9]{3}([A-Z]{2})?$")


class InvalidDistrictFile(ValueError):
    pass


def load_postcode_areas(folder: Path = DEFAULT_FOLDER) -> Mapping[str, PostcodeAreas]:
    """gemeentecode -> its postcode areas, for every `<gemeentecode>.csv` in the folder."""
    found = {path.stem: _read(path) for path in sorted(folder.glob("*.csv")) if _FILE_NAME.match(path.name)}
    return MappingProxyType(found)


def _read(path: Path) -> PostcodeAreas:
    municipality = path.stem
    table: dict[str, set[str]] = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["postcode", "district"]:
            raise InvalidDistrictFile(f"{path.name}: the header must be 'postcode,district', not {reader.fieldnames}")
        for row in reader:
            postcode, district = (row["postcode"] or "").strip().upper(), (row["district"] or "").strip()
            problem = _problem(municipality, postcode, district)
            if problem:
                raise InvalidDistrictFile(f"{path.name} line {reader.line_num}: {problem}")
            table[postcode].add(district)
    return PostcodeAreas(MappingProxyType({postcode: frozenset(names) for postcode, names in table.items()}))


def _problem(municipality: str, postcode: str, district: str) -> str | None:
    if not _POSTCODE.match(postcode):
        return f"postcode {postcode!r} is neither four digits nor four digits and two letters"
    return districts.district_problem(municipality, district or None) if district else "district is empty"
