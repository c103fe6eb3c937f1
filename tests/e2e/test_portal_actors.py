"""The pages of every actor beyond the main path, in real headless Chromium in front of the
running chain (intake, triage, placement, notifications, the monitor and the portal as
processes on real Kafka and PostgreSQL). Each role logs in through the login page, does
its main action and sees the result; axe-core checks every page at WCAG 2.1 AA.

- the prevention team reports contact made and its final report; the corporation reads the outcome,
- the bailiff reports a scheduled eviction and its execution, and sees them routed,
- the police report a family found at the door, and GGD Vangnet is alerted,
- GGD corrects a composition, sees where the family is now, and records where a waiting family stays,
- the shelter changes a capacity (not below the occupied units) and records where a family went,
- the shelter admits part of a family and records the trajectory plan's day; GGD sees who was not
  admitted; the shelter admits the rest later.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from shared.privacy import household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.axe import assert_accessible
from tests.support.browser import expect, log_in, shot
from tests.support.partner_requests import (
    FAMILY_DWELLING,
    family_found,
    new_dwelling,
    offered_to_hvo,
    post_signal,
    yesterday,
)
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
TEAM = "vroeg-eropaf-amsterdam"
BAILIFF = "deurwaarder-amsterdam"
POLICE = "politie-amsterdam"


def team_alert(chain, signal_id: str) -> dict | None:
    with chain.client("triage", TEAM) as client:
        return next((a for a in client.get("/v1/alerts").json() if a["signal_id"] == signal_id), None)


def routed(page) -> bool:
    page.reload()
    return page.locator(".signal-status").get_attribute("data-status") == "routed"


@pytest.fixture
def offered_family(chain) -> dict:
    """Test set-up: two parents and two children found at a new dwelling's eviction, and the place
    triage asked for them, offered to HVO Querido (De Roggeveen's family units)."""
    dwelling = new_dwelling()
    family_found(chain, dwelling, [5, 8])
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)
    return eventually(lambda: offered_to_hvo(chain, case_key), timeout=60, what="an offer to HVO Querido")


# --- prevention team --------------------------------------------------------------------------------


def test_prevention_team_reports_contact_and_the_final_report_and_the_corporation_reads_the_outcome(chain, page, tmp_path):
    body = {"type": "arrears.reported", "observed_on": yesterday(), "months": 2, "amount_eur": "1450.00",
            "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING}}  # fmt: skip
    signal_id = post_signal(chain, "ymere", body)
    alert = eventually(lambda: team_alert(chain, signal_id), timeout=60, what="the prevention alert")
    card = page.locator(f"#melding-{alert['alert_id']}")

    log_in(page, TEAM)
    expect()(page).to_have_url(re.compile(r"/preventie$"))
    expect()(card).to_contain_text("Huurachterstand")
    shot(page, tmp_path, "preventie")

    card.get_by_label("Contact gelegd", exact=True).check()
    card.get_by_role("button", name="Terugmelding versturen").click()
    expect()(page.get_by_role("status")).to_have_text("De terugmelding is vastgelegd.")
    expect()(card.locator('tr[data-report="contact-made"] td').last).not_to_have_text("nog niet")

    card.get_by_label("Eindrapportage (na 28 dagen)", exact=True).check()
    card.get_by_role("button", name="Terugmelding versturen").click()
    expect()(card.locator(".field-error")).to_contain_text("bij de eindrapportage hoort een uitkomst")
    shot(page, tmp_path, "preventie-fout")

    card.get_by_label("Eindrapportage (na 28 dagen)", exact=True).check()
    card.get_by_label("Uitkomst (bij de eindrapportage)", exact=True).select_option("arrangement")
    card.get_by_role("button", name="Terugmelding versturen").click()
    expect()(page.get_by_role("status")).to_have_text("De terugmelding is vastgelegd.")
    closed = page.locator("#afgerond-kop ~ article", has=page.locator(f"text={alert['case_key']}"))
    expect()(closed.locator(".outcome")).to_have_text("Regeling getroffen")
    shot(page, tmp_path, "preventie-afgerond")

    def outcome_for_the_corporation():
        with chain.client("arrears", "ymere") as client:
            return client.get(f"/v1/signals/{signal_id}").json()["outcome"] == "arrangement"

    eventually(outcome_for_the_corporation, timeout=60, what="the outcome in the corporation's signal status")


# --- bailiff and police -----------------------------------------------------------------------------


def test_bailiff_reports_a_scheduled_and_an_executed_eviction_and_sees_them_routed(chain, page, tmp_path):
    log_in(page, BAILIFF)
    expect()(page).to_have_url(re.compile(r"/deurwaarder$"))
    shot(page, tmp_path, "deurwaarder")

    page.get_by_role("link", name="Ontruiming aangezegd", exact=True).click()
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.locator(".error-summary")).to_contain_text("Vul de datum van de ontruiming in")
    shot(page, tmp_path, "deurwaarder-aangezegd-fouten")
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(FAMILY_DWELLING)
    page.get_by_label("Datum van de aanzegging", exact=True).fill(yesterday())
    eviction_date = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    page.get_by_label("Datum van de ontruiming", exact=True).fill(eviction_date)
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text("Het signaal is ontvangen door de keten.")
    eventually(lambda: routed(page), timeout=60, interval=0.5, what="the scheduled eviction routed")
    expect()(page.get_by_role("table")).to_contain_text("GGD Amsterdam, Vangnet en Advies")
    shot(page, tmp_path, "deurwaarder-signaal")

    page.get_by_role("link", name="Terug naar uw signalen").click()
    page.get_by_role("link", name="Ontruiming uitgevoerd", exact=True).click()
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(FAMILY_DWELLING)
    page.get_by_label("Datum van de ontruiming of de poging", exact=True).fill(yesterday())
    page.get_by_label("Hoe liep de ontruiming af", exact=True).select_option("paid_at_door")
    shot(page, tmp_path, "deurwaarder-uitgevoerd")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Ontruiming uitgevoerd")
    page.get_by_role("link", name="Terug naar uw signalen").click()
    rows = page.locator("tbody tr")
    expect()(rows).to_have_count(2)
    expect()(rows.first).to_contain_text("Ontruiming uitgevoerd")


def test_police_report_a_family_found_and_ggd_vangnet_is_alerted(chain, page, tmp_path):
    log_in(page, POLICE)
    expect()(page).to_have_url(re.compile(r"/politie$"))
    page.get_by_role("link", name="Gezin aangetroffen bij de deur", exact=True).click()
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(new_dwelling())
    page.get_by_label("Datum waarop het gezin werd aangetroffen", exact=True).fill(yesterday())
    page.get_by_label("Aantal volwassenen", exact=True).fill("2")
    page.get_by_label("Leeftijden van de kinderen", exact=True).fill("3, 7")
    shot(page, tmp_path, "politie-gezin")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text("Het signaal is ontvangen door de keten.")
    eventually(lambda: routed(page), timeout=60, interval=0.5, what="the family found routed")
    expect()(page.get_by_role("table")).to_contain_text("GGD Amsterdam, Vangnet en Advies")
    expect()(page.get_by_role("table")).to_contain_text("Urgente outreach")
    shot(page, tmp_path, "politie-signaal")


# --- GGD --------------------------------------------------------------------------------------------


def test_ggd_corrects_the_composition_and_sees_where_the_family_is_now(chain, page, tmp_path):
    dwelling = new_dwelling()
    family_found(chain, dwelling, [4])
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)
    offered = eventually(lambda: offered_to_hvo(chain, case_key), timeout=60, what="triage's placement request offered")

    log_in(page, GGD)
    page.goto(f"/ggd/zaken/{case_key}?doel=zaakbehandeling")
    page.get_by_role("link", name="Samenstelling corrigeren").click()
    shot(page, tmp_path, "ggd-samenstelling")
    page.get_by_label("Aantal volwassenen", exact=True).fill("2")
    page.get_by_label("Leeftijden van de kinderen", exact=True).fill("4, 12")
    page.get_by_label("Hoe weet u dit?", exact=True).fill("huisbezoek: een tweede kind aangetroffen")
    page.get_by_role("button", name="Samenstelling opslaan").click()
    expect()(page.get_by_role("status")).to_have_text("De samenstelling is gecorrigeerd. De zaak is opnieuw beoordeeld.")
    facts = page.locator("#stand-kop ~ dl")
    expect()(facts).to_contain_text("Gecorrigeerd door hulpverlener")
    expect()(facts).to_contain_text("waarvan 2 minderjarig (4, 12 jaar)")
    shot(page, tmp_path, "ggd-zaak-gecorrigeerd")

    page.locator(f'a[href="/ggd/opvang/{offered["id"]}"]').click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Waar is het gezin nu")
    expect()(page.locator(".family-now")).to_contain_text("Aangeboden aan De Roggeveen (gezinsunits)")
    shot(page, tmp_path, "ggd-gezin-nu")


@contextmanager
def every_facility_full(chain):
    """Test set-up: no free unit anywhere, so a new request is waitlisted; occupancy restored after."""
    import asyncpg

    url = chain.env["PLACEMENT_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")

    async def execute(sql: str, *args):
        connection = await asyncpg.connect(url)
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()

    def run(sql: str, *args):  # in a thread of its own: Playwright's sync API holds this thread's loop
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, execute(sql, *args)).result()

    before = run("SELECT id, occupied FROM facility")
    run("UPDATE facility SET occupied = capacity")
    try:
        yield
    finally:
        for row in before:
            run("UPDATE facility SET occupied = $1 WHERE id = $2", row["occupied"], row["id"])


def test_ggd_records_where_a_waiting_family_stays(chain, page, tmp_path):
    family = {"adults": 1, "children_ages": [2], "family_type": "one_parent", "need": "family", "municipality_code": "0363"}
    with every_facility_full(chain):
        with chain.client("placement", GGD) as client:
            waiting = client.post("/v1/requests", json=family).json()
        assert waiting["status"] == "waitlisted", waiting
        log_in(page, GGD)
        page.goto("/ggd/opvang")
        page.locator(f'a[href="/ggd/opvang/{waiting["id"]}"]').click()
        expect()(page.locator(".family-now")).to_contain_text("Op de wachtlijst van Amsterdam, plaats")
        shot(page, tmp_path, "ggd-wachtlijst")
        page.get_by_label("Verblijfplaats", exact=True).select_option("with_relatives")
        page.get_by_label("Aantekening (optioneel)", exact=True).fill("bij een zus, tot vrijdag")
        page.get_by_role("button", name="Verblijfplaats vastleggen").click()
        expect()(page.get_by_role("status")).to_have_text("De verblijfplaats is vastgelegd. Het gezin blijft op de wachtlijst.")
        expect()(page.locator('tr[data-alternative="with_relatives"]')).to_contain_text("Bij familie of vrienden")
        shot(page, tmp_path, "ggd-verblijfplaats")
    with chain.client("placement", GGD) as client:
        [alternative] = client.get(f"/v1/requests/{waiting['id']}").json()["alternatives"]
    assert alternative["kind"] == "with_relatives" and alternative["note"] == "bij een zus, tot vrijdag"


# --- shelter ----------------------------------------------------------------------------------------


def test_shelter_changes_a_capacity_and_records_where_a_family_went(chain, page, tmp_path, offered_family):
    offered = offered_family

    log_in(page, HVO)
    row = page.locator(f"#verzoek-{offered['id']}")
    row.get_by_role("button", name="Bevestigen").click()
    expect()(row.locator(".request-status")).to_have_text("Geplaatst")

    facility = page.locator("#voorziening-roggeveen-two-parent")
    facility.get_by_label("Capaciteit van De Roggeveen (gezinsunits)").fill("0")
    facility.get_by_role("button", name="Opslaan").click()
    expect()(facility.locator(".field-error")).to_contain_text("niet lager zijn dan het aantal bezette eenheden")
    shot(page, tmp_path, "opvang-capaciteit-fout")
    facility.get_by_label("Capaciteit van De Roggeveen (gezinsunits)").fill("21")
    facility.get_by_role("button", name="Opslaan").click()
    expect()(page.get_by_role("status")).to_have_text("De capaciteit is aangepast.")
    expect()(facility.get_by_label("Capaciteit van De Roggeveen (gezinsunits)")).to_have_value("21")

    row.get_by_label("Vertrekt naar", exact=True).select_option("own_network")
    row.get_by_role("button", name="Vertrek vastleggen").click()
    expect()(row.locator(".request-status")).to_have_text("Beëindigd")
    expect()(page.get_by_role("status")).to_have_text("Het vertrek is vastgelegd. De eenheid is weer vrij.")
    shot(page, tmp_path, "opvang-vertrek")
    with chain.client("placement", GGD) as client:
        ended = client.get(f"/v1/requests/{offered['id']}").json()
    assert (ended["status"], ended["outflow"]) == ("ended", "own_network")
    assert_accessible(page)


def test_shelter_admits_part_of_a_family_records_the_plan_and_admits_the_rest_later(chain, page, tmp_path, offered_family):
    offered = offered_family

    log_in(page, HVO)
    row = page.locator(f"#verzoek-{offered['id']}")
    row.get_by_label("Volwassenen die u opneemt", exact=True).fill("3")
    row.get_by_label("Kinderen die u opneemt", exact=True).fill("2")
    row.get_by_role("button", name="Deel van het gezin opnemen").click()
    expect()(row.locator(".field-error")).to_contain_text("Zoveel volwassenen telt het gezin niet")
    assert_accessible(page)  # the refusal next to its field, after HTMX swapped the row
    # axe-core's checks leave empty style attributes on the page's inputs; htmx's settle copies
    # them onto the same ids in a swapped-in row, which the CSP refuses: a fresh page before the next swap.
    page.reload()
    row.get_by_label("Volwassenen die u opneemt", exact=True).fill("1")
    row.get_by_label("Kinderen die u opneemt", exact=True).fill("2")
    row.get_by_role("button", name="Deel van het gezin opnemen").click()
    expect()(row.locator(".request-status")).to_have_text("Deels geplaatst (niet het hele gezin opgenomen)")
    expect()(row.locator(".admitted")).to_have_text("opgenomen: 1 volw. en 2 kinderen")
    expect()(page.get_by_role("status")).to_contain_text("bevestigd voor een deel van het gezin")
    shot(page, tmp_path, "opvang-deels-geplaatst")
    assert_accessible(page)
    page.reload()

    with chain.client("placement", HVO) as client:
        placed_on = client.get(f"/v1/requests/{offered['id']}").json()["placed_at"][:10]
    row.get_by_label("Trajectplan gemaakt op", exact=True).fill("2020-01-01")
    row.get_by_role("button", name="Trajectplan vastleggen").click()
    expect()(row.locator(".field-error")).to_contain_text("vóór de plaatsing")
    row.get_by_label("Trajectplan gemaakt op", exact=True).fill(placed_on)
    row.get_by_role("button", name="Trajectplan vastleggen").click()
    expect()(page.get_by_role("status")).to_have_text("Het trajectplan is vastgelegd. Er volgen geen herinneringen meer.")
    expect()(row.locator(".plan-made")).to_have_text(f"Trajectplan gemaakt op {placed_on}.")
    shot(page, tmp_path, "opvang-trajectplan")
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, GGD)
    page.goto(f"/ggd/opvang/{offered['id']}")
    expect()(page.locator(".family-now")).to_contain_text("niet opgenomen 1 volw. en 0 kinderen")
    expect()(page.locator(".request-cause")).to_have_text("Huisuitzetting")
    expect()(page.locator(".request-referral")).to_have_text("GGD of centrale toegang")
    shot(page, tmp_path, "ggd-deels-geplaatst")
    assert_accessible(page)

    page.get_by_role("button", name="Uitloggen").click()  # the father is admitted after all
    log_in(page, HVO)
    row.get_by_role("button", name="Rest van het gezin opnemen").click()
    expect()(row.locator(".request-status")).to_have_text("Geplaatst")
    expect()(page.get_by_role("status")).to_have_text("De rest van het gezin is opgenomen: het hele gezin is geplaatst.")
    assert_accessible(page)
    with chain.client("placement", GGD) as client:
        whole = client.get(f"/v1/requests/{offered['id']}").json()
    assert (whole["status"], whole["adults_not_admitted"], whole["children_not_admitted"]) == ("placed", 0, 0)


# --- municipality: the functional administrator's routing rules ------------------------------------


def test_municipality_checks_stores_and_publishes_its_routing_rules(chain, page, tmp_path):
    import json

    log_in(page, "gemeente-amsterdam")
    page.get_by_role("link", name="Routeringsregels", exact=True).click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Routeringsregels Amsterdam")
    expect()(page.locator("#tabel-versies")).to_contain_text("Geldend")
    shot(page, tmp_path, "gemeente-regels")

    editor = page.get_by_label("De regels als JSON", exact=True)
    original = editor.input_value()
    wrong = json.loads(original)
    wrong["rules"][0]["recipient"] = "nobody"
    editor.fill(json.dumps(wrong, indent=2))
    page.get_by_role("button", name="Controleren").click()
    rule_id = wrong["rules"][0]["id"]
    expect()(page.locator("#problemen")).to_contain_text(f"Regel {rule_id}, veld recipient: unknown recipient")
    shot(page, tmp_path, "gemeente-regels-fout")

    # The same rules again as a new version: routing stays as the other tests expect it.
    page.get_by_label("De regels als JSON", exact=True).fill(original)
    page.get_by_role("button", name="Opslaan als concept").click()
    expect()(page.get_by_role("status")).to_contain_text("opgeslagen als concept")
    draft = page.locator('#tabel-versies tr[data-state="draft"]').first
    label = draft.locator("th").inner_text()
    draft.get_by_role("button").click()
    expect()(page.get_by_role("status")).to_contain_text("De versie is gepubliceerd")
    expect()(page.get_by_role("heading", level=2, name=f"Nu geldend: {label}")).to_be_visible()
    shot(page, tmp_path, "gemeente-regels-gepubliceerd")
