"""Amsterdam's Vroeg Eropaf per stadsdeel: the district from the dwelling's postcode (the
municipality's postcode areas, services/triage/districts), the signal's district, or the
case's; the dwelling's wins; none known: the city-wide desk (services/triage/RULES.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from shared.bus.port import OutgoingRecord
from shared.contracts import districts
from shared.contracts.envelope import encode, new_event
from shared.privacy import Dwelling
from services.triage.districts import InvalidDistrictFile, load_postcode_areas
from services.triage.domain.district import DistrictSource, PostcodeAreas, choose_district, dwelling_district
from tests.support.triage import AMSTERDAM_FAMILY, AMSTERDAM_SINGLE, MODELS, SOURCES
from services.triage.tables import CaseEntry, HouseholdCase

CITY_DESK = "vroeg-eropaf-amsterdam"
AREAS = {"0363": PostcodeAreas({
    "1062": frozenset({"nieuw-west"}),
    "1013": frozenset({"centrum", "west"}),  # crosses a stadsdeel boundary
    "1013AB": frozenset({"west"}),
})}  # fmt: skip
ARREARS = {"months": 2, "amount_eur": Decimal("1450.00")}


# --- the dwelling's district, pure -----------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("1062AB", "nieuw-west"),
        ("1062 ab", "nieuw-west"),  # spaces and case never matter
        ("1013AB", "west"),  # a six-character row says more than its area
        ("1013XY", None),  # the area lies in two stadsdelen: it cannot tell
        ("1099AA", None),  # not in the table
        (None, None),  # the partner gave only a BAG id
    ],
)
def test_a_postcode_names_the_district_only_when_its_area_lies_in_one(postcode, district):
    assert dwelling_district(AREAS, "0363", postcode) == district


def test_a_municipality_without_a_table_has_no_district_from_the_dwelling():
    assert dwelling_district(AREAS, "0344", "3511AB") is None
    assert dwelling_district(AREAS, None, "1062AB") is None


def test_the_amsterdam_file_loads_and_reaches_every_stadsdeel():
    amsterdam = load_postcode_areas()["0363"]
    named = {district for found in amsterdam.districts.values() for district in found}
    assert named == set(districts.codes_of("0363")), "each of the nine stadsdelen has its postcode areas"
    assert [amsterdam.district_of(pc) for pc in ("1012AB", "1055AB", "1102AB", "1382AB")] == ["centrum", "west", "zuidoost", "weesp"]


def test_a_file_naming_a_district_the_municipality_does_not_have_is_refused_naming_the_line(tmp_path: Path):
    (tmp_path / "0363.csv").write_text("postcode,district\n1011,centrum\n1012,overvecht\n")
    with pytest.raises(InvalidDistrictFile, match=r"0363.csv line 3: not a district of municipality 0363"):
        load_postcode_areas(tmp_path)
    (tmp_path / "0363.csv").write_text("postcode,district\n101,centrum\n")
    with pytest.raises(InvalidDistrictFile, match=r"line 2: postcode '101' is neither"):
        load_postcode_areas(tmp_path)


# --- which district the case goes by, pure --------------------------------------------------


def test_the_dwellings_district_wins_over_the_one_the_signal_names_and_says_so():
    chosen = choose_district("noord", "nieuw-west", None, None)
    assert (chosen.district, chosen.source, chosen.overruled) == ("nieuw-west", DistrictSource.DWELLING, "noord")
    assert chosen.differs()["named_by_signaller"] == "noord" and chosen.differs()["kept"] == "nieuw-west"
    assert choose_district("nieuw-west", "nieuw-west", None, None).differs() is None


def test_once_known_from_the_dwelling_the_case_keeps_it_against_a_signal_without_postcode():
    kept = choose_district("zuid", None, "nieuw-west", DistrictSource.DWELLING)
    assert (kept.district, kept.source, kept.overruled) == ("nieuw-west", DistrictSource.DWELLING, "zuid")


def test_without_the_dwellings_district_the_signals_then_the_cases_then_none():
    assert choose_district("zuid", None, "noord", DistrictSource.SIGNAL).district == "zuid", "the latest signaller's word"
    assert choose_district(None, None, "noord", DistrictSource.SIGNAL) == choose_district(None, None, "noord", None)
    assert choose_district(None, None, "noord", None).source is DistrictSource.SIGNAL, "older cases: from signals"
    nothing = choose_district(None, None, None, None)
    assert (nothing.district, nothing.source, nothing.differs()) == (None, None, None)


# --- through triage (SQLite, in-memory bus, the register stand-in) ---------------------------


async def arrears_at(triage, dwelling: Dwelling, *, district: str | None = None, months: int = 2) -> str:
    """An arrears signal as the intake publishes it for this address; returns the signal's id."""
    signal_id = uuid.uuid4()
    subject = triage.runtime.pseudonym(dwelling.identification)
    data = MODELS["arrears.reported"](
        signal_id=signal_id, reported_by="ymere", sealed_address=triage.runtime.address_seal.seal(dwelling),
        municipality_code=dwelling.municipality_code, district=district, observed_on=triage.clock.now().date(),
        months=months, amount_eur=ARREARS["amount_eur"],
    )  # fmt: skip
    event = new_event(data, source=SOURCES["ymere"], subject=subject, time=triage.clock.now(), event_id=signal_id)
    await triage.bus.publish([OutgoingRecord("signals", subject, encode(event))])
    await triage.handled(signal_id, "triage")
    return str(signal_id)


async def case_of(triage, dwelling: str):
    async with triage.runtime.sessions() as session:
        case = await session.get(HouseholdCase, triage.case_key(dwelling))
        query = select(CaseEntry).where(CaseEntry.case_key == case.case_key).order_by(col(CaseEntry.id))
        return case, (await session.exec(query)).all()


async def test_a_signal_without_a_district_reaches_the_stadsdeel_of_the_dwellings_postcode(triage):
    family = Dwelling(AMSTERDAM_FAMILY, postcode="1067MD", huisnummer=275)  # its real address: Geuzenveld
    signal_id = await arrears_at(triage, family)
    [alert] = triage.alerts(signal_id=uuid.UUID(signal_id))
    assert alert.recipient == "vroeg-eropaf-amsterdam-nieuw-west" and alert.rule_id == "ams-arrears-vroeg-eropaf"
    assert alert.district == "nieuw-west" and alert.final_report_due is not None
    case, _ = await case_of(triage, AMSTERDAM_FAMILY)
    assert (case.district, case.district_source) == ("nieuw-west", DistrictSource.DWELLING)


async def test_the_dwellings_district_wins_over_the_signals_and_stays_on_the_case(triage):
    family = Dwelling(AMSTERDAM_FAMILY, postcode="1067MD", huisnummer=275)  # its real address: Geuzenveld
    first = await arrears_at(triage, family, district="noord")
    assert [a.recipient for a in triage.alerts(signal_id=uuid.UUID(first))] == ["vroeg-eropaf-amsterdam-nieuw-west"]
    case, entries = await case_of(triage, AMSTERDAM_FAMILY)
    [differs] = [entry.summary for entry in entries if entry.kind == "district"]
    assert differs["named_by_signaller"] == "noord" and differs["kept"] == "nieuw-west"
    # A later signal with only the BAG id, naming yet another district: the case keeps the dwelling's.
    later = await arrears_at(triage, Dwelling(AMSTERDAM_FAMILY), district="zuid", months=3)
    assert [a.recipient for a in triage.alerts(signal_id=uuid.UUID(later))] == ["vroeg-eropaf-amsterdam-nieuw-west"]
    case, _ = await case_of(triage, AMSTERDAM_FAMILY)
    assert case.district == "nieuw-west"


async def test_an_unknown_postcode_without_a_district_goes_to_the_city_wide_desk(triage):
    unknown = Dwelling(AMSTERDAM_SINGLE, postcode="1099ZZ", huisnummer=1)  # not in the postcode areas
    signal_id = await arrears_at(triage, unknown)
    [alert] = triage.alerts(signal_id=uuid.UUID(signal_id))
    assert alert.recipient == CITY_DESK and alert.district is None
    case, _ = await case_of(triage, AMSTERDAM_SINGLE)
    assert (case.district, case.district_source) == (None, None)


async def test_without_the_dwellings_district_the_signals_district_decides(triage):
    signal_id = await arrears_at(triage, Dwelling(AMSTERDAM_SINGLE), district="zuidoost")
    assert [a.recipient for a in triage.alerts(signal_id=uuid.UUID(signal_id))] == ["vroeg-eropaf-amsterdam-zuidoost"]
    case, _ = await case_of(triage, AMSTERDAM_SINGLE)
    assert (case.district, case.district_source) == ("zuidoost", DistrictSource.SIGNAL)
