"""Which district a dwelling is in, and which district the case goes by.

The dwelling's district comes from its postcode and the municipality's table of postcode
areas (services/triage/districts/<gemeentecode>.csv): a six-character postcode row
(`1013AB`) is more specific than a four-digit one (`1013`); a postcode area that lies in
more than one district is listed once per district and then tells nothing on its own.

Which district the case goes by (`choose_district`, RULES.md "Amsterdam, per stadsdeel"):
the dwelling's own district, from the municipality's data, wins over the district a
signaller names (a partner's own area naming or a slip must not send a family to another
borough's team, and two partners must not move a case back and forth); once the dwelling's
district is known the case keeps it. Without it, the signal's district, else the one known
on the case. None: routing falls back to the rule's own recipient (the city-wide desk).

Pure: no I/O. The tables are read once at start (services.triage.districts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

PC4_LENGTH = 4
PC6_LENGTH = 6


class DistrictSource(StrEnum):
    DWELLING = "dwelling"  # the municipality's data for the dwelling's postcode
    SIGNAL = "signal"  # a signaller named it


@dataclass(frozen=True)
class PostcodeAreas:
    """One municipality's postcode areas: postcode (4 digits, or 4 digits and 2 letters) -> districts."""

    districts: Mapping[str, frozenset[str]]

    def district_of(self, postcode: str | None) -> str | None:
        """The one district the postcode lies in; None when unknown or the area lies in several."""
        if not postcode:
            return None
        normal = postcode.replace(" ", "").upper()
        for key in (normal[:PC6_LENGTH], normal[:PC4_LENGTH]):
            found = self.districts.get(key)
            if found is not None:
                return next(iter(found)) if len(found) == 1 else None
        return None


def dwelling_district(areas: Mapping[str, PostcodeAreas], municipality_code: str | None, postcode: str | None) -> str | None:
    """The district of the dwelling at `postcode` in the municipality; None when its data cannot tell."""
    table = areas.get(municipality_code or "")
    return table.district_of(postcode) if table is not None else None


@dataclass(frozen=True)
class DistrictChoice:
    district: str | None
    source: DistrictSource | None
    overruled: str | None = None  # a district the signal named that the dwelling's data contradicts

    def differs(self) -> dict | None:
        """What the case timeline says when the signal named another district than the dwelling's."""
        if self.overruled is None:
            return None
        return {
            "named_by_signaller": self.overruled, "kept": self.district,
            "reason": "the dwelling's postcode lies in another district; the municipality's data wins",
        }  # fmt: skip


def choose_district(
    named: str | None, from_dwelling: str | None, on_case: str | None, case_source: DistrictSource | None
) -> DistrictChoice:
    """named: the signal's district; from_dwelling: the dwelling's, from its postcode (None: unknown);
    on_case, case_source: what the case already goes by and where that came from."""
    if from_dwelling is not None:
        return DistrictChoice(from_dwelling, DistrictSource.DWELLING, _other(named, from_dwelling))
    if on_case is not None and case_source is DistrictSource.DWELLING:
        return DistrictChoice(on_case, DistrictSource.DWELLING, _other(named, on_case))
    if named is not None:
        return DistrictChoice(named, DistrictSource.SIGNAL)
    # Cases from before the source was kept got their district from signals.
    return DistrictChoice(on_case, (case_source or DistrictSource.SIGNAL) if on_case is not None else None)


def _other(named: str | None, kept: str) -> str | None:
    return named if named is not None and named != kept else None
