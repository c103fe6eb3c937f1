"""The steps of §8 that had no page: a concern report (zorgmelding) by every role the intake takes
it from, the corporation's contact attempts, a relapse after housing support (corporation and
shelter), a team's home visit, and the safety-net plan before a family's eviction (the GGD from its
case page, a team the case was routed to from its alert). In front of the real services in-process
(triage with the register stand-in); every test makes its own data and logs in itself."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from tests.support.triage import AMSTERDAM_FAMILY, Triage

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
MELDPUNT = "meldpunt-zorg-overlast-amsterdam"  # takes up concerns in Amsterdam (ams-concern)
OTHER_TEAM = "vroeg-eropaf-amsterdam"
BAILIFF = "deurwaarder-amsterdam"
CONCERN_FORMS = {
    "ggd-amsterdam-vangnet": "/ggd",
    "vroeg-eropaf-amsterdam": "/preventie",
    "gemeente-amsterdam": "/gemeente",
    "politie-amsterdam": "/politie",
    "ymere": "/corporatie",
}

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def chain(logged_out):
    return logged_out


def triage_of(chain) -> Triage:
    app = chain.apps["triage"]
    return Triage(app=app, client=None, bus=chain.bus, clock=chain.clock, runtime=app.state.runtime)


def new_dwelling() -> str:
    return f"036301{uuid.uuid4().int % 10**10:010d}"


async def log_in_anew(chain, organisation: str) -> None:
    await chain.portal.post("/uitloggen")
    await chain.login(organisation)


def field_in_error(html: str, field: str) -> bool:
    """The field is marked invalid and points at its error, which sits next to it."""
    return f'id="{field}-fout"' in html and re.search(rf'id="{field}"[^>]*aria-invalid="true"', html) is not None


# --- signals: concern, contact attempt, relapse -----------------------------------------------------


async def test_every_role_the_intake_takes_a_concern_from_has_the_form_and_the_others_do_not(chain):
    for organisation, home in CONCERN_FORMS.items():
        await log_in_anew(chain, organisation)
        form = await chain.portal.get(f"{home}/melden/zorgmelding")
        assert form.status_code == 200, organisation
        assert "Zorgmelding melden" in form.text and 'value="care_avoidance"' in form.text
        assert "Zorgmijding: hulp wordt niet aangenomen" in form.text
    for organisation, home in (("hvo-querido", "/opvang"), ("deurwaarder-amsterdam", "/deurwaarder")):
        await log_in_anew(chain, organisation)
        assert (await chain.portal.get(f"{home}/melden/zorgmelding")).status_code == 404, organisation


async def test_the_ggd_reports_a_concern_sees_the_field_in_error_and_then_the_signal_received(chain):
    await chain.login(GGD)
    assert 'href="/ggd/melden/zorgmelding"' in (await chain.portal.get("/ggd")).text  # in the navigation
    fields = {"dwelling": new_dwelling(), "observed_on": chain.clock.now().date().isoformat()}
    none = await chain.portal.post("/ggd/melden/zorgmelding", data=fields)
    assert none.status_code == 422 and "Kies waar de zorg over gaat" in none.text
    assert 'href="#concerns"' in none.text and 'id="concerns-fout"' in none.text

    posted = await chain.portal.post("/ggd/melden/zorgmelding", data={**fields, "concerns": ["neglect", "children"]})
    assert posted.status_code == 303
    signal_id = re.match(r"^/ggd/signalen/([0-9a-f-]{36})\?melding=verstuurd$", posted.headers["location"]).group(1)
    status = await chain.portal.get(posted.headers["location"])
    assert status.status_code == 200 and "Het signaal is ontvangen door de keten." in status.text
    assert "<h1>Zorgmelding</h1>" in status.text and "Terug naar de meldingen" in status.text
    async with chain.service("arrears", GGD) as arrears:
        body = (await arrears.get(f"/v1/signals/{signal_id}")).json()
    assert body["type"] == "concern.reported"


async def test_the_corporation_reports_its_contact_attempt_and_the_intakes_refusal_names_the_field(chain):
    await chain.login("ymere")
    overview = await chain.portal.get("/corporatie")
    for slug in ("zorgmelding", "contactpoging", "terugval"):
        assert f'href="/corporatie/melden/{slug}"' in overview.text
    fields = {"dwelling": new_dwelling(), "observed_on": chain.clock.now().date().isoformat(), "method": "call"}
    no_result = await chain.portal.post("/corporatie/melden/contactpoging", data=fields)
    assert no_result.status_code == 422 and field_in_error(no_result.text, "result")
    assert "Kies wat de contactpoging opleverde." in no_result.text

    too_old = await chain.portal.post(
        "/corporatie/melden/contactpoging", data={**fields, "result": "not_reached", "observed_on": "2020-01-01"}
    )
    assert too_old.status_code == 422, "the intake's 400 shown on the form"
    assert field_in_error(too_old.text, "observed_on") and "Deze datum werd niet geaccepteerd." in too_old.text

    posted = await chain.portal.post("/corporatie/melden/contactpoging", data={**fields, "result": "not_reached"})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/corporatie/signalen/")
    status = await chain.portal.get(posted.headers["location"])
    assert "Contactpoging corporatie" in status.text and "Het signaal is ontvangen door de keten." in status.text


async def test_the_shelter_and_the_corporation_report_a_relapse_after_housing_support(chain):
    today = chain.clock.now().date()
    await chain.login(HVO)
    assert 'href="/opvang/melden/terugval"' in (await chain.portal.get("/opvang")).text
    fields = {"dwelling": new_dwelling(), "observed_on": (today - timedelta(days=2)).isoformat()}
    later = await chain.portal.post("/opvang/melden/terugval", data={**fields, "support_started_on": today.isoformat()})
    assert later.status_code == 422 and field_in_error(later.text, "support_started_on")
    posted = await chain.portal.post("/opvang/melden/terugval", data={**fields, "support_started_on": "2026-03-02"})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/opvang/signalen/")
    status = await chain.portal.get(posted.headers["location"])
    assert "Terugval na woonbegeleiding" in status.text and "Terug naar capaciteit en verzoeken" in status.text

    await log_in_anew(chain, "ymere")
    by_corporation = await chain.portal.post("/corporatie/melden/terugval", data=fields)
    assert by_corporation.status_code == 303


# --- home visit ---------------------------------------------------------------------------------------


async def test_the_team_records_a_home_visit_that_met_the_household_as_contact(chain):
    triage = triage_of(chain)
    signal_id = await triage.signal("concern.reported", new_dwelling(), by="ymere", concerns=["care_avoidance"])
    [alert] = [a for a in triage.alerts(MELDPUNT) if str(a.signal_id) == signal_id]
    alert_id = str(alert.alert_id)
    await chain.login(MELDPUNT)
    card = (await chain.portal.get("/preventie")).text.split(f'id="melding-{alert_id}"')[1].split("</article>")[0]
    assert 'value="home-visit"' in card and "Huisbezoek afgelegd" in card and "Aantal medewerkers" in card

    url = f"/preventie/meldingen/{alert_id}/terugmelden"
    today = chain.clock.now().date()
    crowd = await chain.portal.post(url, data={"type": "home-visit", "reported_on": today.isoformat(), "visitors": "9"})
    assert crowd.status_code == 422 and field_in_error(crowd.text, f"visitors-{alert_id}")
    before = (today - timedelta(days=30)).isoformat()  # before the alert: triage refuses, naming the field
    early = await chain.portal.post(url, data={"type": "home-visit", "reported_on": before, "visitors": "2"})
    assert early.status_code == 422 and "De datum ligt vóór de melding" in early.text
    assert field_in_error(early.text, f"reported_on-{alert_id}")

    visit = {"type": "home-visit", "reported_on": today.isoformat(), "visitors": "2", "met_household": "ja"}
    recorded = await chain.portal.post(url, data=visit)
    assert recorded.status_code == 303 and recorded.headers["location"] == f"/preventie?melding=huisbezoek#melding-{alert_id}"
    page = await chain.portal.get(recorded.headers["location"])
    assert "Het huisbezoek is vastgelegd." in page.text
    card = page.text.split(f'id="melding-{alert_id}"')[1].split("</article>")[0]
    contact_row = card.split('data-report="contact-made"')[1].split("</tr>")[0]
    assert "nog niet" not in contact_row, "meeting the household counts as contact"
    assert 'value="home-visit"' in card, "another home visit can follow"


async def test_the_ggd_records_a_home_visit_on_its_alert_from_the_case_and_the_timeline_shows_it(chain):
    triage = triage_of(chain)
    dwelling = new_dwelling()
    signal_id = await triage.signal("eviction.family-found", dwelling, by=BAILIFF, adults=1, children_ages=[6])
    case_key = triage.case_key(dwelling)
    [alert] = [a for a in triage.alerts(GGD) if str(a.signal_id) == signal_id]
    await chain.login(GGD)
    case = await chain.portal.get(f"/ggd/zaken/{case_key}?doel=zaakbehandeling")
    link = f"/ggd/zaken/{case_key}/meldingen/{alert.alert_id}/huisbezoek?doel=zaakbehandeling"
    assert link in case.text
    assert (await chain.portal.get(link)).status_code == 200

    url = link.split("?")[0]
    today = chain.clock.now().date().isoformat()
    nobody = await chain.portal.post(url, data={"reported_on": today, "visitors": "0", "doel": "zaakbehandeling"})
    assert nobody.status_code == 422 and field_in_error(nobody.text, "visitors")
    recorded = await chain.portal.post(url, data={"reported_on": today, "visitors": "2", "doel": "zaakbehandeling"})
    assert recorded.status_code == 303
    assert recorded.headers["location"] == f"/ggd/zaken/{case_key}?doel=zaakbehandeling&melding=huisbezoek"
    case = await chain.portal.get(recorded.headers["location"])
    assert "Het huisbezoek is vastgelegd." in case.text
    feedback = case.text.split('class="timeline-entry kind-feedback"')[1].split("</li>")[0]
    assert "Huisbezoek afgelegd" in feedback and "<dt>met_household</dt><dd>nee</dd>" in feedback

    await log_in_anew(chain, MELDPUNT)
    assert (await chain.portal.get(link)).status_code == 403


# --- safety-net plan ----------------------------------------------------------------------------------


async def scheduled_eviction(chain, dwelling: str) -> str:
    eviction_date = chain.clock.now().date() + timedelta(days=10)
    await triage_of(chain).signal("eviction.scheduled", dwelling, by=BAILIFF, eviction_date=eviction_date)
    return eviction_date.isoformat()


async def test_the_ggd_records_the_safety_net_plan_from_the_case_and_the_timeline_shows_it(chain):
    dwelling = AMSTERDAM_FAMILY  # a family in the register: its scheduled eviction goes to the GGD
    eviction_date = await scheduled_eviction(chain, dwelling)
    case_key = triage_of(chain).case_key(dwelling)
    await chain.login(GGD)
    case = await chain.portal.get(f"/ggd/zaken/{case_key}?doel=zaakbehandeling")
    assert "nog niet vastgelegd" in case.text
    link = f"/ggd/zaken/{case_key}/vangnetplan?ontruiming={eviction_date}&amp;doel=zaakbehandeling"
    assert link in case.text
    form = await chain.portal.get(link.replace("&amp;", "&"))
    assert form.status_code == 200 and f'value="{eviction_date}"' in form.text and "Wat regelt het plan?" in form.text

    url = f"/ggd/zaken/{case_key}/vangnetplan"
    today = chain.clock.now().date().isoformat()
    plan = {"eviction_date": eviction_date, "made_on": today, "doel": "zaakbehandeling"}
    nothing = await chain.portal.post(url, data=plan)
    assert nothing.status_code == 422 and "minstens één afspraak" in nothing.text and 'href="#arrangements"' in nothing.text
    other_day = await chain.portal.post(url, data={**plan, "eviction_date": "2026-12-31", "arrangements": ["own_network"]})
    assert other_day.status_code == 409, "triage's 409 next to the field"
    assert field_in_error(other_day.text, "eviction_date") and "geen ontruiming op deze datum" in other_day.text

    made = await chain.portal.post(url, data={**plan, "arrangements": ["shelter_place", "support_trajectory"]})
    assert made.status_code == 303
    assert made.headers["location"] == f"/ggd/zaken/{case_key}?doel=zaakbehandeling&melding=vangnetplan"
    case = await chain.portal.get(made.headers["location"])
    assert "Het vangnetplan is vastgelegd." in case.text
    assert f"gemaakt op {chain.clock.now().strftime('%d-%m-%Y')}" in case.text
    assert "kind-safety-net-plan" in case.text and "Vangnetplan voor de ontruiming" in case.text


async def test_the_team_the_case_was_routed_to_records_a_plan_and_another_team_cannot(chain):
    triage = triage_of(chain)
    dwelling = new_dwelling()
    await triage.signal("concern.reported", dwelling, by="ymere", concerns=["debts"])
    eviction_date = await scheduled_eviction(chain, dwelling)
    case_key = triage.case_key(dwelling)
    plan = {"eviction_date": eviction_date, "made_on": chain.clock.now().date().isoformat(), "arrangements": ["own_network"]}

    await chain.login(OTHER_TEAM)
    refused = await chain.portal.post(f"/preventie/zaken/{case_key}/vangnetplan", data=plan)
    assert refused.status_code == 422 and "niet bekend bij uw organisatie" in refused.text

    await log_in_anew(chain, MELDPUNT)
    alerts = await chain.portal.get("/preventie")
    assert f'href="/preventie/zaken/{case_key}/vangnetplan"' in alerts.text
    made = await chain.portal.post(f"/preventie/zaken/{case_key}/vangnetplan", data=plan)
    assert made.status_code == 303 and made.headers["location"] == "/preventie?melding=vangnetplan"
    assert "Het vangnetplan is vastgelegd." in (await chain.portal.get(made.headers["location"])).text
    async with chain.service("triage", MELDPUNT) as service:
        case = (await service.get(f"/v1/cases/{case_key}", params={"purpose": "vangnetplan"})).json()
    assert case["safety_net_plan_on"] == plan["made_on"]
