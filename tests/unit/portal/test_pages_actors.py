"""The pages of the actors beyond the main path, in front of the real services in-process
(triage with the register stand-in, arrears, placement, notifications; in-memory bus,
FakeClock): the prevention team reports at 14 and 28 days, the bailiff and the police
report what happens at an eviction, the GGD corrects a composition and follows a family,
the shelter changes its capacity and records where a family went.

One in-process chain per module; every test makes its own data and logs in itself."""

from __future__ import annotations

import re
import uuid
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from sqlmodel import select

from services.placement.tables import Facility
from tests.support.triage import AMSTERDAM_FAMILY, Triage
from tests.support.wait import wait_for

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
TEAM = "vroeg-eropaf-amsterdam"
BAILIFF = "deurwaarder-amsterdam"
POLICE = "politie-amsterdam"
FAMILY = {"adults": 2, "children_ages": [3, 7], "family_type": "two_parent", "need": "crisis", "municipality_code": "0363"}

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def chain(logged_out):
    return logged_out


async def log_in_anew(chain, organisation: str) -> None:
    await chain.portal.post("/uitloggen")
    await chain.login(organisation)


def triage_of(chain) -> Triage:
    app = chain.apps["triage"]
    return Triage(app=app, client=None, bus=chain.bus, clock=chain.clock, runtime=app.state.runtime)


def new_dwelling() -> str:
    return f"036301{uuid.uuid4().int % 10**10:010d}"


async def in_inbox(chain, organisation: str, alert_id: str) -> None:
    async with chain.service("notifications", organisation) as notifications:

        async def arrived():
            return any(i["alert_id"] == alert_id for i in (await notifications.get("/v1/inbox")).json())

        await wait_for(arrived, what=f"alert {alert_id} in the inbox of {organisation}")


def card_of(html: str, alert_id: str) -> str:
    return html.split(f'id="melding-{alert_id}"')[1].split("</article>")[0]


# --- prevention team --------------------------------------------------------------------------------


async def test_the_prevention_team_reports_contact_the_intermediate_and_the_final_report(chain):
    triage = triage_of(chain)
    signal_id = await triage.signal("arrears.reported", AMSTERDAM_FAMILY, by="ymere", months=2, amount_eur=Decimal("1450.00"))
    [alert] = [a for a in triage.alerts(TEAM) if str(a.signal_id) == signal_id]
    alert_id = str(alert.alert_id)
    await in_inbox(chain, TEAM, alert_id)
    await chain.login(TEAM)

    page = await chain.portal.get("/preventie")
    assert page.status_code == 200
    card = card_of(page.text.split('id="afgerond-kop"')[0], alert_id)
    assert "Huurachterstand" in card and "nog niet: bevestigen vóór" in card
    assert 'value="contact-made"' in card and 'value="report-final"' in card

    today = chain.clock.now().date().isoformat()
    url = f"/preventie/meldingen/{alert_id}/terugmelden"
    contact = await chain.portal.post(url, data={"type": "contact-made", "reported_on": today})
    assert contact.status_code == 303 and contact.headers["location"] == f"/preventie?melding=teruggemeld#melding-{alert_id}"
    again = await chain.portal.post(url, data={"type": "contact-made", "reported_on": today})
    assert again.status_code == 409 and "Dit is al teruggemeld" in again.text, "triage's 409 named next to the field"

    no_outcome = await chain.portal.post(url, data={"type": "report-final", "reported_on": today})
    assert no_outcome.status_code == 422 and "bij de eindrapportage hoort een uitkomst" in no_outcome.text
    assert (await chain.portal.post(url, data={"type": "report-intermediate", "reported_on": today})).status_code == 303
    final = {"type": "report-final", "reported_on": today, "outcome": "arrangement", "debt_settlement_pending": "ja"}
    assert (await chain.portal.post(url, data=final)).status_code == 303

    done = await chain.portal.get("/preventie?melding=teruggemeld")
    assert "De terugmelding is vastgelegd." in done.text
    closed = card_of(done.text.split('id="afgerond-kop"')[1], alert_id)
    assert "Regeling getroffen" in closed and "schuldregeling loopt" in closed and "Terugmelding versturen" not in closed
    async with chain.service("triage", TEAM) as service:
        [seen] = [a for a in (await service.get("/v1/alerts")).json() if a["alert_id"] == alert_id]
    assert (seen["contact_made_on"], seen["intermediate_report_on"], seen["final_report_on"]) == (today, today, today)
    assert seen["outcome"] == "arrangement" and seen["debt_settlement_pending"] is True

    acknowledged = await chain.portal.post(f"/preventie/meldingen/{alert_id}/bevestigen", data={"worker": "ve-12"})
    assert acknowledged.status_code == 303
    assert "bevestigd op" in card_of((await chain.portal.get("/preventie")).text, alert_id)


async def test_another_team_cannot_report_on_the_alert(chain):
    triage = triage_of(chain)
    signal_id = await triage.signal("arrears.reported", AMSTERDAM_FAMILY, by="ymere", months=3, amount_eur=Decimal("2100.00"))
    [alert] = [a for a in triage.alerts(TEAM) if str(a.signal_id) == signal_id]
    alert_id = str(alert.alert_id)
    await chain.login("meldpunt-huurschulden-utrecht")
    today = chain.clock.now().date().isoformat()
    refused = await chain.portal.post(f"/preventie/meldingen/{alert_id}/terugmelden", data={"type": "contact-made", "reported_on": today})
    assert refused.status_code == 404 and "niet voor uw organisatie" in refused.text


# --- bailiff and police -----------------------------------------------------------------------------


async def test_the_bailiff_reports_an_executed_eviction_and_reads_its_status(chain):
    await chain.login(BAILIFF)
    overview = await chain.portal.get("/deurwaarder")
    assert overview.status_code == 200
    for slug in ("ontruiming-aangezegd", "ontruiming-afgemeld", "ontruiming-uitgevoerd", "gezin-aangetroffen"):
        assert f'href="/deurwaarder/melden/{slug}"' in overview.text

    form = await chain.portal.get("/deurwaarder/melden/ontruiming-uitgevoerd")
    token = re.search(r'name="idempotency" value="([^"]+)"', form.text).group(1)
    fields = {"dwelling": new_dwelling(), "observed_on": chain.clock.now().date().isoformat(), "idempotency": token}
    missing = await chain.portal.post("/deurwaarder/melden/ontruiming-uitgevoerd", data=fields)
    assert missing.status_code == 422 and "Kies hoe de ontruiming afliep." in missing.text and 'href="#outcome"' in missing.text

    posted = await chain.portal.post("/deurwaarder/melden/ontruiming-uitgevoerd", data={**fields, "outcome": "paid_at_door"})
    assert posted.status_code == 303
    location = posted.headers["location"]
    signal_id = re.match(r"^/deurwaarder/signalen/([0-9a-f-]{36})\?melding=verstuurd$", location).group(1)
    twice = await chain.portal.post("/deurwaarder/melden/ontruiming-uitgevoerd", data={**fields, "outcome": "paid_at_door"})
    assert twice.headers["location"] == location, "the same form twice is one signal"

    status = await chain.portal.get(location)
    assert status.status_code == 200 and "Ontruiming uitgevoerd" in status.text and signal_id in status.text
    assert "Incasso opschorten" not in status.text, "a corporation's matter"
    listed = await chain.portal.get("/deurwaarder")
    assert f'data-signal-id="{signal_id}"' in listed.text
    async with chain.service("arrears", BAILIFF) as arrears:
        body = (await arrears.get(f"/v1/signals/{signal_id}")).json()
    assert body["type"] == "eviction.executed"


async def test_the_bailiff_schedules_and_cancels_and_the_intake_refuses_a_date_out_of_its_window(chain):
    await chain.login(BAILIFF)
    today = chain.clock.now().date()
    base = {"dwelling": new_dwelling(), "observed_on": today.isoformat()}
    far = await chain.portal.post("/deurwaarder/melden/ontruiming-aangezegd", data={**base, "eviction_date": "2031-01-01"})
    assert far.status_code == 422 and "Deze ontruimingsdatum werd niet geaccepteerd" in far.text
    scheduled = await chain.portal.post(
        "/deurwaarder/melden/ontruiming-aangezegd", data={**base, "eviction_date": today.isoformat()}
    )
    assert scheduled.status_code == 303
    cancelled = await chain.portal.post("/deurwaarder/melden/ontruiming-afgemeld", data={**base, "reason": "achterstand betaald"})
    assert cancelled.status_code == 303


async def test_the_police_report_a_family_found_and_have_no_bailiffs_form(chain):
    await chain.login(POLICE)
    overview = await chain.portal.get("/politie")
    assert overview.status_code == 200 and 'href="/politie/melden/gezin-aangetroffen"' in overview.text
    assert "ontruiming-aangezegd" not in overview.text
    assert (await chain.portal.get("/politie/melden/ontruiming-aangezegd")).status_code == 404
    assert (await chain.portal.get("/deurwaarder")).status_code == 403
    fields = {"dwelling": new_dwelling(), "observed_on": chain.clock.now().date().isoformat(), "adults": "1"}
    no_child = await chain.portal.post("/politie/melden/gezin-aangetroffen", data={**fields, "children_ages": ""})
    assert no_child.status_code == 422 and "minstens één kind" in no_child.text
    posted = await chain.portal.post("/politie/melden/gezin-aangetroffen", data={**fields, "children_ages": "4, 9"})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/politie/signalen/")


# --- GGD: composition and where the family is now ---------------------------------------------------


async def test_ggd_corrects_the_composition_and_the_case_shows_it(chain):
    triage = triage_of(chain)
    dwelling = new_dwelling()
    await triage.signal("eviction.family-found", dwelling, by=BAILIFF, adults=1, children_ages=[6])
    case_key = triage.case_key(dwelling)
    await chain.login(GGD)
    form = await chain.portal.get(f"/ggd/zaken/{case_key}/samenstelling?doel=zaakbehandeling")
    assert form.status_code == 200 and "Samenstelling corrigeren" in form.text

    url = f"/ggd/zaken/{case_key}/samenstelling"
    short = await chain.portal.post(url, data={"adults": "2", "children_ages": "6, 11", "reason": "x", "doel": "zaakbehandeling"})
    assert short.status_code == 422 and "Schrijf in 3 tot 500 tekens" in short.text
    fixed = await chain.portal.post(url, data={"adults": "2", "children_ages": "6, 11", "reason": "huisbezoek", "doel": "zaakbehandeling"})
    assert fixed.status_code == 303
    assert fixed.headers["location"] == f"/ggd/zaken/{case_key}?doel=zaakbehandeling&melding=samenstelling"
    case = await chain.portal.get(fixed.headers["location"])
    assert "De samenstelling is gecorrigeerd." in case.text
    assert "Gecorrigeerd door hulpverlener" in case.text and "waarvan 2 minderjarig (6, 11 jaar)" in case.text
    assert "Waar is het gezin nu" in case.text

    await log_in_anew(chain, HVO)
    assert (await chain.portal.get(f"/ggd/zaken/{case_key}/samenstelling")).status_code == 403


@asynccontextmanager
async def every_facility_full(chain):
    """Test set-up: no free unit anywhere (so a request is waitlisted); occupancy restored after."""
    runtime = chain.apps["placement"].state.runtime
    async with runtime.sessions() as session, session.begin():
        facilities = (await session.exec(select(Facility))).all()
        before = {f.id: f.occupied for f in facilities}
        for facility in facilities:
            facility.occupied = facility.capacity
            session.add(facility)
    try:
        yield
    finally:
        async with runtime.sessions() as session, session.begin():
            for facility in (await session.exec(select(Facility))).all():
                facility.occupied = before[facility.id]
                session.add(facility)


async def test_ggd_records_where_a_waiting_family_stays_and_sees_it_on_the_family_page(chain):
    async with every_facility_full(chain):
        async with chain.service("placement", GGD) as placement:
            waiting = (await placement.post("/v1/requests", json=FAMILY)).json()
        assert waiting["status"] == "waitlisted"
        await chain.login(GGD)
        page = await chain.portal.get(f"/ggd/opvang/{waiting['id']}")
        assert page.status_code == 200 and "Op de wachtlijst van Amsterdam, plaats" in page.text
        url = f"/ggd/opvang/{waiting['id']}/alternatief"
        assert (await chain.portal.post(url, data={"kind": "castle"})).status_code == 422
        recorded = await chain.portal.post(url, data={"kind": "with_relatives", "note": "tot vrijdag"})
        assert recorded.status_code == 303 and recorded.headers["location"] == f"/ggd/opvang/{waiting['id']}?melding=alternatief"
        shown = await chain.portal.get(recorded.headers["location"])
        row = shown.text.split('data-alternative="with_relatives"')[1].split("</tr>")[0]
        assert "Bij familie of vrienden" in row and "tot vrijdag" in row
        listed = await chain.portal.get("/ggd/opvang")
        assert f'href="/ggd/opvang/{waiting["id"]}"' in listed.text

    await log_in_anew(chain, HVO)
    assert (await chain.portal.get(f"/ggd/opvang/{waiting['id']}")).status_code == 403


# --- shelter: capacity and outflow ------------------------------------------------------------------


async def test_the_shelter_changes_a_capacity_and_cannot_go_below_the_occupied_units(chain):
    await chain.login(HVO)
    page = await chain.portal.get("/opvang")
    assert 'id="voorziening-reina"' in page.text and "Leger des Heils" not in page.text
    runtime = chain.apps["placement"].state.runtime
    async with runtime.sessions() as session, session.begin():
        reina = await session.get(Facility, "reina")
        reina.occupied = 2  # test set-up: two families live there
        session.add(reina)
    below = await chain.portal.post("/opvang/voorzieningen/reina/capaciteit", data={"capacity": str(reina.occupied - 1)})
    assert below.status_code == 422 and "niet lager zijn dan het aantal bezette eenheden" in below.text
    changed = await chain.portal.post("/opvang/voorzieningen/reina/capaciteit", data={"capacity": str(reina.capacity + 2)})
    assert changed.status_code == 303 and changed.headers["location"] == "/opvang?melding=capaciteit#voorziening-reina"
    async with chain.service("placement", HVO) as placement:
        [view] = [f for f in (await placement.get("/v1/facilities")).json() if f["id"] == "reina"]
    assert view["capacity"] == reina.capacity + 2
    assert (await chain.portal.post("/opvang/voorzieningen/zienn-crisis/capaciteit", data={"capacity": "3"})).status_code == 404


async def test_the_shelter_records_where_a_family_went_and_the_ggd_sees_it(chain):
    async with chain.service("placement", GGD) as placement:
        request = (await placement.post("/v1/requests", json=FAMILY)).json()
    assert request["status"] == "offered", request
    await chain.login(HVO)
    assert (await chain.portal.post(f"/opvang/verzoeken/{request['id']}/bevestigen")).status_code == 303
    page = await chain.portal.get("/opvang")
    row = page.text.split(f'id="verzoek-{request["id"]}"')[1].split("</tr>")[0]
    assert "Vertrek vastleggen" in row

    url = f"/opvang/verzoeken/{request['id']}/beeindigen"
    assert (await chain.portal.post(url, data={"outflow": ""})).status_code == 422
    ended = await chain.portal.post(url, data={"outflow": "own_network"})
    assert ended.status_code == 303 and ended.headers["location"] == f"/opvang?melding=vertrokken#verzoek-{request['id']}"
    assert (await chain.portal.post(url, data={"outflow": "own_network"})).status_code == 409

    await log_in_anew(chain, GGD)
    family = await chain.portal.get(f"/ggd/opvang/{request['id']}")
    assert "Vertrokken uit de opvang op" in family.text and "naar: Eigen netwerk" in family.text
