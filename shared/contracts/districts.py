"""The districts partners may name, per municipality: a code from this list, never free text.

A district is a routing fact (Amsterdam organises prevention per stadsdeel) and a
monitor dimension, so it travels on Kafka and may be published in counts: free text
there could carry a name or a street. Partners send the code; the chain shows the
label. Codes are stable: a renamed district keeps its code, a code is never reused,
a district that ends keeps its code in this list. Where the lists come from:
docs/adr/0011-ownership-and-refusing-at-the-door.md.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

from pydantic import Field, StringConstraints

UNKNOWN = "unknown"  # the monitor's cell for a district value that is not on the list

_DISTRICTS: dict[str, dict[str, str]] = {
    # Amsterdam: the stadsdelen of the municipality's gebiedsindeling (Weesp since 2022).
    "0363": {
        "centrum": "Centrum",
        "westpoort": "Westpoort",
        "west": "West",
        "nieuw-west": "Nieuw-West",
        "zuid": "Zuid",
        "oost": "Oost",
        "noord": "Noord",
        "zuidoost": "Zuidoost",
        "weesp": "Weesp",
    },
    # Utrecht: the ten wijken of the municipality (Zuilen lies in Noordwest).
    "0344": {
        "west": "West",
        "noordwest": "Noordwest",
        "overvecht": "Overvecht",
        "noordoost": "Noordoost",
        "oost": "Oost",
        "binnenstad": "Binnenstad",
        "zuid": "Zuid",
        "zuidwest": "Zuidwest",
        "leidsche-rijn": "Leidsche Rijn",
        "vleuten-de-meern": "Vleuten-De Meern",
    },
    # Leeuwarden: the city's districts and the larger villages (first set, see the ADR).
    "0080": {
        "binnenstad": "Binnenstad",
        "oud-oost": "Oud-Oost",
        "oud-west": "Oud-West",
        "noord": "Noord",
        "vrijheidswijk": "Vrijheidswijk",
        "bilgaard": "Bilgaard",
        "camminghaburen": "Camminghaburen",
        "heechterp-schieringen": "Heechterp-Schieringen",
        "huizum": "Huizum",
        "zuiderburen": "Zuiderburen",
        "westeinde": "Westeinde",
        "stiens": "Stiens",
        "grou": "Grou",
    },
    # Oss: the town's districts and the larger villages (first set, see the ADR).
    "0828": {
        "centrum": "Centrum",
        "ruwaard": "Ruwaard",
        "schadewijk": "Schadewijk",
        "ussen": "Ussen",
        "krinkelhoek": "Krinkelhoek",
        "oss-zuid": "Oss-Zuid",
        "berghem": "Berghem",
        "geffen": "Geffen",
        "herpen": "Herpen",
        "lith": "Lith",
        "megen": "Megen",
        "ravenstein": "Ravenstein",
        "maren-kessel": "Maren-Kessel",
    },
}
DISTRICTS = MappingProxyType({code: MappingProxyType(names) for code, names in _DISTRICTS.items()})
"""gemeentecode -> {district code: label}"""

DistrictCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40),
    Field(description="district code from the municipality's list (shared/contracts/districts.py), e.g. nieuw-west"),
]


def codes_of(municipality_code: str) -> tuple[str, ...]:
    return tuple(DISTRICTS.get(municipality_code, {}))


def is_known(municipality_code: str, district: str | None) -> bool:
    return district is not None and district in DISTRICTS.get(municipality_code, {})


def label(municipality_code: str, district: str) -> str:
    return DISTRICTS.get(municipality_code, {}).get(district, district)


def counted_as(municipality_code: str, district: str | None) -> str:
    """The monitor's district cell: a known code, "" when none was named, else "unknown".

    Defense in depth: whatever reached the monitor, a value not on the list is never shown."""
    if district is None or district == "":
        return ""
    return district if is_known(municipality_code, district) else UNKNOWN


def code_for(municipality_code: str, text: str) -> str | None:
    """The code a person means by a code or a label of the municipality's list (case ignored)."""
    wanted = text.strip().casefold()
    for code, name in DISTRICTS.get(municipality_code, {}).items():
        if wanted in (code, name.casefold()):
            return code
    return None


def shown_districts(municipality_code: str, stored: list[str]) -> list[str]:
    """The districts a table may show: codes of the list and "unknown", nothing else ever stored."""
    return [d for d in stored if d == UNKNOWN or is_known(municipality_code, d)]


def district_problem(municipality_code: str, district: str | None) -> str | None:
    """Why this district cannot be accepted for this municipality (None: it can)."""
    if district is None or is_known(municipality_code, district):
        return None
    known = codes_of(municipality_code)
    if not known:
        return f"municipality {municipality_code} has no district list; leave district out"
    return f"not a district of municipality {municipality_code}; one of: {', '.join(known)}"
