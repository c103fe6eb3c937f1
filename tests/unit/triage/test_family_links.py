"""The family, not the dwelling (docs/adr/0038): which earlier cases a case links to (the
pure rule), and a family of the official RvIG test set that moved: evicted from Hofdijk 651
in Rotterdam in 2019, three of its children registered at Spaanseweg 4 since 2019-12-05.
The case at the new address shows the earlier case, its placement and outcome to the team
it was routed to, audited; Kafka carries a code for the monitor, never a person."""

from __future__ import annotations

from datetime import date

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.placement import PlacementConfirmed
from shared.contracts.events.triage import RepeatEviction
from services.triage.brp.persons import PersonPseudonyms
from services.triage.domain.family import HomeNews, Sighting, evicted_on_after, home_news, links_for, repeats
from services.triage.tables import CaseLink, CasePerson
from tests.support.apps import key

HOFDIJK = "0599010000110069"  # the Groot Esselink family until 2019-12-05 (official test persons)
SPANSEWEG = "0599010000460538"  # three of its children since, with two other adults
EVICTED_ON = date(2019, 6, 3)
COORDINATOR = "ketenregie"  # routes the municipalities without rules of their own
PLACEMENT = "urn:nld:oin:00000099000000000001:systeem:signaalketen-placement"
SPANSEWEG_CHILDREN = ("999999382", "999999394", "999999400")


def test_one_person_in_common_links_to_every_earlier_case_that_saw_them():
    sightings = [Sighting("hh-a", "p-1", date(2025, 1, 2)), Sighting("hh-a", "p-2", date(2025, 1, 2)),
                 Sighting("hh-b", "p-2"), Sighting("hh-c", "p-9"), Sighting("hh-new", "p-1")]  # fmt: skip

    links = links_for("hh-new", {"p-1", "p-2", "p-3"}, sightings)

    assert [(l.earlier_case_key, l.shared_persons, l.earlier_evicted_on) for l in links] == [
        ("hh-a", 2, date(2025, 1, 2)), ("hh-b", 1, None)
    ], "no person in common (hh-c) is another family; the case itself is no earlier case"
    assert links_for("hh-new", {"p-1", "p-2"}, sightings, already_linked=["hh-a"])[0].earlier_case_key == "hh-b"
    assert links_for("hh-new", set(), sightings) == []


def test_what_a_signal_says_about_the_home_and_what_the_monitor_counts():
    assert home_news("eviction.executed", "evicted") is HomeNews.LOST
    assert home_news("eviction.executed", "left_unknown_destination") is HomeNews.LOST
    assert home_news("eviction.family-found", None) is HomeNews.LOST
    assert home_news("eviction.executed", "paid_at_door") is HomeNews.REVERSED
    assert home_news("eviction.cancelled", None) is HomeNews.REVERSED
    assert home_news("arrears.reported", None) is None
    day, later = date(2026, 3, 1), date(2026, 9, 1)
    assert evicted_on_after(None, HomeNews.LOST, day) == day
    assert evicted_on_after(day, HomeNews.REVERSED, day) is None, "found at the door, then paid at the door: no eviction"
    assert evicted_on_after(day, HomeNews.REVERSED, later) == day, "a later eviction called off does not undo this one"
    assert repeats(None, evicted_before=True, evicted_link_before=False) == (RepeatEviction.SIGNALLED_AGAIN,)
    assert repeats(None, evicted_before=True, evicted_link_before=True) == (), "in view again: counted once"
    assert repeats(HomeNews.LOST, True, True) == (RepeatEviction.EVICTED_AGAIN,)
    assert repeats(HomeNews.LOST, True, False) == (RepeatEviction.SIGNALLED_AGAIN, RepeatEviction.EVICTED_AGAIN)
    assert repeats(HomeNews.LOST, False, False) == (), "an earlier case without an eviction is no repeat eviction"


def test_a_person_pseudonym_is_keyed_and_never_the_bsn():
    one, other = PersonPseudonyms(b"key-one"), PersonPseudonyms(b"key-two")
    assert one("999999382") == one(" 999999382") != other("999999382")
    assert "999999382" not in one("999999382") and one("999999382").startswith("p-")


async def evicted_at_hofdijk(triage, outcome: str = "evicted") -> str:
    await triage.signal("eviction.executed", HOFDIJK, by="deurwaarder-noord", observed_on=EVICTED_ON,
                        eviction_date=EVICTED_ON, outcome=outcome)  # fmt: skip
    return triage.case_key(HOFDIJK)


async def confirm_placement(triage, request) -> None:
    confirmed = PlacementConfirmed(
        request_id=request.data.request_id, recipient=COORDINATOR, requested_by=COORDINATOR, municipality_code="0599",
        shelter="verdihuis", facility="Verdihuis crisisopvang", unit_type="crisis", case_lead="verdihuis",
    )  # fmt: skip
    event = new_event(confirmed, source=PLACEMENT, subject=request.subject, time=triage.clock.now())
    await triage.bus.publish([OutgoingRecord("placement", request.subject, encode(event))])
    await triage.handled(event.id, "triage-placement")


def assessments(triage, dwelling: str) -> list:
    return [e.data for e in triage.events("triage", event_types.HOUSEHOLD_ASSESSED) if e.subject == triage.case_key(dwelling)]


async def test_the_case_at_the_new_address_shows_the_earlier_case_its_placement_and_outcome(triage):
    earlier = await evicted_at_hofdijk(triage)
    [request] = triage.events("placement-requests", event_types.PLACEMENT_REQUESTED)
    await confirm_placement(triage, request)
    triage.clock.advance(days=30)
    await triage.signal("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")
    await triage.signal("eviction.executed", SPANSEWEG, by="deurwaarder-noord", outcome="evicted")
    later = triage.case_key(SPANSEWEG)

    read = await triage.client.get(f"/v1/cases/{later}", params={"purpose": "safety net"}, headers=key(COORDINATOR))
    assert read.status_code == 200, read.text
    [shown] = read.json()["earlier_cases"]
    assert (shown["case_key"], shown["municipality_code"], shown["evicted_on"]) == (earlier, "0599", EVICTED_ON.isoformat())
    assert shown["shared_persons"] == 3, "the three children registered at both addresses"
    assert shown["state"] == "placed"
    [asked, placed] = shown["placements"]
    assert asked["summary"]["requested_by"] == COORDINATOR
    assert (placed["summary"]["type"], placed["summary"]["shelter"]) == ("placement.confirmed", "verdihuis")
    [linked] = [e for e in read.json()["timeline"] if e["kind"] == "linked"]
    assert linked["summary"] == {"link": "earlier_case_of_the_family", "shared_persons": 3, "earlier_eviction": True}

    signalled, evicted = assessments(triage, SPANSEWEG)
    assert signalled.repeat == [RepeatEviction.SIGNALLED_AGAIN] and evicted.repeat == [RepeatEviction.EVICTED_AGAIN]
    assert [a.repeat for a in assessments(triage, HOFDIJK)] == [[]], "the first eviction is no repeat"

    audit = await triage.client.get("/v1/audit", params={"subject": earlier}, headers=key("functionaris-gegevensbescherming"))
    [through] = [row for row in audit.json() if row["action"] == "read linked case"]
    assert through["organisation_id"] == COORDINATOR and through["purpose"] == f"earlier case of {later}: safety net"


async def test_only_those_who_may_read_the_new_case_see_the_earlier_one(triage):
    await evicted_at_hofdijk(triage)
    await triage.signal("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")
    later = triage.case_key(SPANSEWEG)

    assert (await triage.client.get(f"/v1/cases/{later}", headers=key("ggd-utrecht"))).status_code == 404
    assert (await triage.client.get(f"/v1/cases/{later}", headers=key("ymere"))).status_code == 403
    assert (await triage.client.get(f"/v1/cases/{later}", headers=key(COORDINATOR))).json()["earlier_cases"] != []


async def test_persons_stay_in_triage_as_keyed_pseudonyms_never_on_kafka(triage):
    await evicted_at_hofdijk(triage)
    await triage.signal("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")
    async with triage.runtime.sessions() as session:
        persons = {row.person for row in (await session.exec(CasePerson.__table__.select())).all()}
        links = (await session.exec(CaseLink.__table__.select())).all()

    pseudonyms = PersonPseudonyms(triage.runtime.settings.person_key.get_secret_value().encode())
    assert {pseudonyms(bsn) for bsn in SPANSEWEG_CHILDREN} <= persons and len(persons) == 7 + 2
    assert [(link.case_key, link.earlier_case_key) for link in links] == [(triage.case_key(SPANSEWEG), triage.case_key(HOFDIJK))]
    topics = ("signals", "triage", "alerts", "placement-requests", "placement")
    on_the_bus = b"".join(record.value or b"" for topic in topics for record in triage.bus.records(topic))
    assert on_the_bus, "the bus carried the case's events"
    assert not any(person.encode() in on_the_bus for person in persons)
    assert not any(bsn.encode() in on_the_bus for bsn in SPANSEWEG_CHILDREN)


async def test_a_family_found_at_the_door_then_paid_is_no_earlier_eviction(triage):
    await triage.signal("eviction.family-found", HOFDIJK, by="deurwaarder-noord", observed_on=EVICTED_ON, adults=2, children_ages=[5])
    await triage.signal("eviction.executed", HOFDIJK, by="deurwaarder-noord", observed_on=EVICTED_ON, eviction_date=EVICTED_ON,
                        outcome="paid_at_door")  # fmt: skip
    await triage.signal("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")

    [assessed] = assessments(triage, SPANSEWEG)
    assert assessed.repeat == [], "linked, but the earlier case saw no eviction"
    read = await triage.client.get(f"/v1/cases/{triage.case_key(SPANSEWEG)}", headers=key(COORDINATOR))
    [shown] = read.json()["earlier_cases"]
    assert shown["evicted_on"] is None


async def test_the_earlier_case_goes_under_its_own_retention_and_takes_the_link_and_its_persons_along(triage):
    from shared.retention import run_retention
    from services.triage.retention import RETENTION_JOB, triage_sweeps

    earlier = await evicted_at_hofdijk(triage, outcome="left_unknown_destination")  # lost from view: not kept for a shelter
    triage.clock.advance(days=23 * 30)
    await triage.signal("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")
    later = triage.case_key(SPANSEWEG)
    assert len((await triage.client.get(f"/v1/cases/{later}", headers=key(COORDINATOR))).json()["earlier_cases"]) == 1

    triage.clock.advance(days=2 * 30)  # the earlier case idle over 24 months; the later one followed up still
    await run_retention(triage.runtime.sessions, RETENTION_JOB, triage_sweeps(24), triage.clock.now())
    read = await triage.client.get(f"/v1/cases/{later}", headers=key(COORDINATOR))
    log = await triage.client.get("/v1/retention/deletions", headers=key("functionaris-gegevensbescherming"))
    async with triage.runtime.sessions() as session:
        left = {row.case_key for row in (await session.exec(CasePerson.__table__.select())).all()}

    assert read.status_code == 200 and read.json()["earlier_cases"] == [], "the history goes with the earlier case"
    [linked] = [e for e in read.json()["timeline"] if e["kind"] == "linked"]
    assert earlier not in str(linked), "the line says a link was made, not to which case"
    assert left == {later}, "the earlier case's person pseudonyms are gone, the later case keeps its own"
    lines = {d["kind"]: (d["cases"], d["rows"]) for d in log.json()}
    assert lines["person_pseudonym"] == (1, 7) and lines["family_link"] == (1, 1) and lines["case"] == (1, 1)


async def test_two_signals_of_one_dwelling_in_one_batch_record_its_persons_once(triage):
    """The second signal of the batch finds the persons the first recorded (no duplicate row,
    no batch split to get there), and the links the first made."""
    await evicted_at_hofdijk(triage)
    arrears = triage.signal_event("arrears.reported", SPANSEWEG, months=2, amount_eur="900.00")
    evicted = triage.signal_event("eviction.executed", SPANSEWEG, by="deurwaarder-noord", outcome="evicted")
    await triage.signals_together([arrears, evicted])

    assert triage.batches_split == 0, "handled as one batch"
    later = triage.case_key(SPANSEWEG)
    async with triage.runtime.sessions() as session:
        persons = [row.person for row in (await session.exec(CasePerson.__table__.select())).all() if row.case_key == later]
        links = (await session.exec(CaseLink.__table__.select())).all()
    assert len(persons) == len(set(persons)) == 5, "three children and two other adults, each once"
    assert [(link.case_key, link.earlier_case_key) for link in links] == [(later, triage.case_key(HOFDIJK))]
    signalled, evicted_again = assessments(triage, SPANSEWEG)
    assert signalled.repeat == [RepeatEviction.SIGNALLED_AGAIN] and evicted_again.repeat == [RepeatEviction.EVICTED_AGAIN]
