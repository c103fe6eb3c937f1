"""Signals without a BAG id: the register locates the dwelling by postcode and house
number, and the signal joins the dwelling's case (one timeline, one repeats guard).
An address the register cannot place stays on its own postcode key, composition unknown."""

from __future__ import annotations

import socket
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import col, select

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import encode, new_event
from shared.privacy import Dwelling
from services.triage.assessment import HouseholdLookup, Location
from services.triage.brp.client import HaalCentraalBrpClient, RegisterUnavailable
from services.triage.domain.case_key import BY_ALIAS, BY_DWELLING, OWN_KEY, choose_case_key
from services.triage.tables import CaseAlias, CaseEntry, HouseholdCase
from tests.support.register_server import PERSONEN_BASE
from tests.support.triage import LEEUWARDEN_FAMILY, MODELS, SOURCES

SOCIAAL_TEAM = "sociaal-team-leeuwarden"
# The same household as LEEUWARDEN_FAMILY (our fixture), by its postcode address.
LEEUWARDEN_BY_POSTCODE = Dwelling(postcode="8911AB", huisnummer=12, gemeentecode="0080")
NOBODY_THERE = Dwelling(postcode="8911ZZ", huisnummer=999, gemeentecode="0080")
PARTNER_DIED_2018 = "0599010051001501"  # 3065PE 51, Rotterdam: two residents until 2018-05-26, one since


async def signal_by_postcode(
    triage, kind: str, dwelling: Dwelling, *, by: str = "woonfriesland", observed_on: date | None = None, **facts
) -> tuple[str, str]:
    """Publish a signal as the intake does for an address without a BAG id; returns (signal id, its key)."""
    signal_id = uuid.uuid4()
    subject = triage.runtime.pseudonym(dwelling.identification)
    data = MODELS[kind](
        signal_id=signal_id,
        reported_by=by,
        sealed_address=triage.runtime.address_seal.seal(dwelling),
        municipality_code=dwelling.municipality_code,
        observed_on=observed_on or triage.clock.now().date(),
        **facts,
    )
    event = new_event(data, source=SOURCES[by], subject=subject, time=triage.clock.now(), event_id=signal_id)
    await triage.bus.publish([OutgoingRecord("signals", subject, encode(event))])
    await triage.handled(signal_id, "triage")
    return str(signal_id), subject


async def case_and_timeline(triage, case_key: str):
    async with triage.runtime.sessions() as session:
        case = await session.get(HouseholdCase, case_key)
        entries = (await session.exec(select(CaseEntry).where(CaseEntry.case_key == case_key).order_by(col(CaseEntry.id)))).all()
    return case, entries


def signals_on(entries) -> list[str]:
    return [entry.summary["signal_id"] for entry in entries if entry.kind == "signal"]


# --- the joining rule, pure ------------------------------------------------------------------


def test_a_signal_joins_the_dwelling_case_when_the_register_tells_the_bag_id():
    same = choose_case_key("hh-bag", "hh-bag", None)
    assert (same.case_key, same.how, same.new_alias) == ("hh-bag", BY_DWELLING, False), "a BAG-keyed signal: its own key"
    joined = choose_case_key("hh-postcode", "hh-bag", None)
    assert (joined.case_key, joined.how, joined.new_alias) == ("hh-bag", BY_DWELLING, True)
    again = choose_case_key("hh-postcode", "hh-bag", "hh-bag")
    assert (again.case_key, again.new_alias) == ("hh-bag", False), "the alias is known already"


def test_without_the_register_a_known_alias_still_joins_else_the_postcode_key_stays():
    aliased = choose_case_key("hh-postcode", None, "hh-bag")
    assert (aliased.case_key, aliased.how, aliased.new_alias) == ("hh-bag", BY_ALIAS, False)
    alone = choose_case_key("hh-postcode", None, None)
    assert (alone.case_key, alone.how) == ("hh-postcode", OWN_KEY)


# --- through the service, with the register stand-in ------------------------------------------


async def test_one_household_signalled_by_postcode_and_by_bag_id_has_one_case_and_one_alert(triage):
    first, postcode_key = await signal_by_postcode(
        triage, "arrears.reported", LEEUWARDEN_BY_POSTCODE, months=2, amount_eur=Decimal("1300.00")
    )
    dwelling_key = triage.case_key(LEEUWARDEN_FAMILY)
    assert postcode_key != dwelling_key
    [alert] = triage.alerts(SOCIAAL_TEAM)
    assert str(alert.signal_id) == first and alert.is_family is True and alert.minors == 2

    second = await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=2, amount_eur=Decimal("1300.00"))
    assert len(triage.alerts(SOCIAAL_TEAM)) == 1, "the same arrears by BAG id is a repeat on the same case"
    third, _ = await signal_by_postcode(triage, "arrears.reported", LEEUWARDEN_BY_POSTCODE, months=3, amount_eur=Decimal("1950.00"))
    assert [str(a.signal_id) for a in triage.alerts(SOCIAAL_TEAM)] == [first, third], "risen arrears alert again"

    case, entries = await case_and_timeline(triage, dwelling_key)
    assert case.is_family is True and case.composition_source == "register" and case.municipality_code == "0080"
    assert signals_on(entries) == [first, second, third]
    assert any(e.kind == "joined" and e.summary["signal_key"] == postcode_key for e in entries)
    assert (await case_and_timeline(triage, postcode_key))[0] is None, "no second case on the postcode key"
    async with triage.runtime.sessions() as session:
        alias = await session.get(CaseAlias, postcode_key)
    assert alias.case_key == dwelling_key
    subjects = {event.subject for topic in ("triage", "alerts") for event in triage.events(topic)}
    assert subjects == {dwelling_key}, "what triage emits carries the dwelling's case key"


async def test_an_address_the_register_does_not_know_stays_on_its_postcode_key_with_composition_unknown(triage):
    signal_id, postcode_key = await signal_by_postcode(
        triage, "arrears.reported", NOBODY_THERE, months=2, amount_eur=Decimal("900.00")
    )
    case, entries = await case_and_timeline(triage, postcode_key)
    assert case is not None and case.is_family is None and case.composition_source == "unknown"
    assert case.uncertain == ["dwelling_not_found_in_register"]
    assert signals_on(entries) == [signal_id]
    assert any(e.kind == "unlocated" for e in entries)
    [assessed] = triage.events("triage", event_types.HOUSEHOLD_ASSESSED)
    assert assessed.subject == postcode_key and assessed.data.source.value == "unknown"
    [alert] = triage.alerts(SOCIAAL_TEAM)
    assert alert.is_family is None, "routed as a possible family, never dropped"


async def test_the_same_postcode_and_number_in_another_municipality_is_another_dwelling(triage):
    """The partner's gemeentecode goes to the register as gemeenteVanInschrijving and into
    the case key: an address in Amsterdam that shares Leeuwarden's postcode and number
    never joins the Leeuwarden family's case."""
    elsewhere = Dwelling(postcode="8911AB", huisnummer=12, gemeentecode="0363")
    leeuwarden, leeuwarden_key = await signal_by_postcode(
        triage, "arrears.reported", LEEUWARDEN_BY_POSTCODE, months=2, amount_eur=Decimal("1300.00")
    )
    amsterdam, amsterdam_key = await signal_by_postcode(
        triage, "arrears.reported", elsewhere, by="ymere", months=2, amount_eur=Decimal("1300.00")
    )
    assert amsterdam_key != leeuwarden_key
    family_case, family_entries = await case_and_timeline(triage, triage.case_key(LEEUWARDEN_FAMILY))
    assert signals_on(family_entries) == [leeuwarden]
    other_case, other_entries = await case_and_timeline(triage, amsterdam_key)
    assert signals_on(other_entries) == [amsterdam] and other_case.municipality_code == "0363"
    assert other_case.uncertain == ["dwelling_not_found_in_register"], "nobody registered in Amsterdam lives there"


async def test_a_signal_about_the_past_is_placed_by_todays_residents_and_assessed_on_its_date(triage):
    """The postcode search finds who lives at the address today; the household is then read
    from Bewoning on the signal's date. Two people lived at this Rotterdam address until
    2018-05-26, one since: an arrears signal observed on 2018-01-01 is about the two."""
    then = Dwelling(postcode="3065PE", huisnummer=51, gemeentecode="0599")
    await signal_by_postcode(
        triage, "arrears.reported", then, by="ymere", observed_on=date(2018, 1, 1), months=2, amount_eur=Decimal("900.00")
    )
    case, entries = await case_and_timeline(triage, triage.case_key(PARTNER_DIED_2018))
    assert case is not None, "joined the dwelling's BAG-keyed case: today's resident placed it"
    assert (case.persons, case.assessed_on) == (2, date(2018, 1, 1)), "the household on the signal's date, not today's one person"
    assert any(entry.kind == "joined" for entry in entries)


async def test_a_family_found_at_the_door_by_postcode_joins_the_dwelling_case(triage):
    await triage.signal("arrears.reported", LEEUWARDEN_FAMILY, by="woonfriesland", months=2, amount_eur=Decimal("1300.00"))
    found, _ = await signal_by_postcode(
        triage, "eviction.family-found", LEEUWARDEN_BY_POSTCODE, by="deurwaarder-noord", adults=2, children_ages=[4, 9]
    )
    case, entries = await case_and_timeline(triage, triage.case_key(LEEUWARDEN_FAMILY))
    assert found in signals_on(entries) and case.composition_source == "reported_at_eviction"
    [request] = triage.events("placement-requests", event_types.PLACEMENT_REQUESTED)
    assert request.subject == case.case_key


async def test_locating_tells_why_it_could_not_place_an_address(register_root):
    register = HouseholdLookup(HaalCentraalBrpClient(register_root + PERSONEN_BASE, attempts=1))
    away = HouseholdLookup(HaalCentraalBrpClient(f"http://127.0.0.1:{closed_port()}/haalcentraal/api/brp", attempts=1))
    try:
        found = await register.locate(LEEUWARDEN_BY_POSTCODE, case_key="hh-1")
        # In the official test set, 3011KD 72 holds two BAG ids and neither has a letter or addition.
        several = await register.locate(Dwelling(postcode="3011KD", huisnummer=72, gemeentecode="0599"), case_key="hh-2")
        nobody = await register.locate(NOBODY_THERE, case_key="hh-3")
        with pytest.raises(RegisterUnavailable):  # transient: the consumer holds the signal and asks again
            await away.locate(LEEUWARDEN_BY_POSTCODE, case_key="hh-4")
        known = await away.locate(Dwelling(LEEUWARDEN_FAMILY), case_key="hh-5")
    finally:
        await register.aclose()
        await away.aclose()
    assert found == Location(LEEUWARDEN_FAMILY)
    assert several == Location(None, "address_covers_several_dwellings")
    assert nobody == Location(None, "dwelling_not_found_in_register")
    assert known == Location(LEEUWARDEN_FAMILY), "a BAG id needs no lookup"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
