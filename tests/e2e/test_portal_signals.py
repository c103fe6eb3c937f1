"""The steps of §8 that had no page, in real headless Chromium in front of the running chain
(intake, triage, placement, notifications, the monitor and the portal as processes on real Kafka
and PostgreSQL); axe-core checks every page at WCAG 2.1 AA, forms with errors included.

- GGD Vangnet reports a concern (zorgmelding), and records the safety-net plan for a family's
  scheduled eviction and a home visit from the case page; the case's timeline shows both,
- the team that takes up concerns records a home visit where it met the household (contact made),
- the corporation reports its own contact attempt, the shelter a relapse after housing support.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from shared.privacy import household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.browser import expect, log_in, shot
from tests.support.partner_requests import FAMILY_DWELLING, new_dwelling, post_signal, yesterday
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
MELDPUNT = "meldpunt-zorg-overlast-amsterdam"  # Amsterdam's concerns go there (ams-concern)
RECEIVED = "Het signaal is ontvangen door de keten."


def log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()


def case_with_eviction_date(chain, case_key: str) -> dict | None:
    with chain.client("triage", GGD) as client:
        response = client.get(f"/v1/cases/{case_key}", params={"purpose": "test set-up"})
    return response.json() if response.status_code == 200 and response.json()["eviction_date"] else None


def test_ggd_reports_a_concern_and_records_the_safety_net_plan_and_a_home_visit_before_a_familys_eviction(chain, page, tmp_path):
    eviction_date = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    body = {"type": "eviction.scheduled", "observed_on": yesterday(), "eviction_date": eviction_date,
            "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING}}  # fmt: skip
    post_signal(chain, "deurwaarder-amsterdam", body)
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), FAMILY_DWELLING)
    eventually(lambda: case_with_eviction_date(chain, case_key), timeout=60, what="the family's eviction on the case")

    log_in(page, GGD)
    page.get_by_role("link", name="Zorgmelding doen", exact=True).click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Zorgmelding melden")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.locator("#concerns-fout")).to_contain_text("Kies waar de zorg over gaat")
    shot(page, tmp_path, "ggd-zorgmelding-fouten")
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(new_dwelling())
    page.get_by_label("Zorgen om de kinderen", exact=True).check()
    page.get_by_label("Oplopende schulden", exact=True).check()
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text(RECEIVED)
    expect()(page.get_by_role("heading", level=1)).to_have_text("Zorgmelding")
    shot(page, tmp_path, "ggd-zorgmelding-verstuurd")

    page.goto(f"/ggd/zaken/{case_key}?doel=zaakbehandeling")
    expect()(page.locator(".safety-net-plan")).to_have_text("nog niet vastgelegd")
    page.get_by_role("link", name="Vangnetplan vastleggen").click()
    expect()(page.get_by_label("Datum van de ontruiming", exact=True)).to_have_value(eviction_date)
    page.get_by_role("button", name="Vangnetplan vastleggen").click()
    expect()(page.locator("#arrangements-fout")).to_contain_text("minstens één afspraak")
    shot(page, tmp_path, "ggd-vangnetplan-fout")
    page.get_by_label("Opvangplek geregeld voor de dag van de ontruiming", exact=True).check()
    page.get_by_label("Begeleiding of zorg loopt door na de ontruiming", exact=True).check()
    page.get_by_role("button", name="Vangnetplan vastleggen").click()
    expect()(page.get_by_role("status")).to_contain_text("Het vangnetplan is vastgelegd.")
    expect()(page.locator(".safety-net-plan")).to_contain_text("gemaakt op")
    expect()(page.locator(".timeline-entry.kind-safety-net-plan")).to_contain_text("Vangnetplan voor de ontruiming")
    shot(page, tmp_path, "ggd-zaak-vangnetplan")

    page.get_by_role("link", name=re.compile("huisbezoek op de melding van")).first.click()
    page.get_by_label("Aantal medewerkers", exact=True).fill("0")
    page.get_by_role("button", name="Huisbezoek vastleggen").click()
    expect()(page.locator("#visitors-fout")).to_contain_text("1 tot en met 6")
    shot(page, tmp_path, "ggd-huisbezoek-fout")
    page.get_by_label("Aantal medewerkers", exact=True).fill("2")
    page.get_by_label("Het huishouden deed open en sprak met ons", exact=True).check()
    page.get_by_role("button", name="Huisbezoek vastleggen").click()
    expect()(page.get_by_role("status")).to_have_text("Het huisbezoek is vastgelegd.")
    expect()(page.locator(".timeline-entry.kind-feedback").last).to_contain_text("Huisbezoek afgelegd")
    shot(page, tmp_path, "ggd-zaak-huisbezoek")


def meldpunt_alert(chain, signal_id: str) -> dict | None:
    with chain.client("triage", MELDPUNT) as client:
        return next((a for a in client.get("/v1/alerts").json() if a["signal_id"] == signal_id), None)


def test_a_home_visit_a_contact_attempt_and_a_relapse_each_on_their_own_page(chain, page, tmp_path):
    body = {"type": "concern.reported", "observed_on": yesterday(), "concerns": ["care_avoidance"],
            "address": {"adresseerbaarObjectIdentificatie": new_dwelling()}}  # fmt: skip
    signal_id = post_signal(chain, "ymere", body)
    alert = eventually(lambda: meldpunt_alert(chain, signal_id), timeout=60, what="the concern's alert")

    log_in(page, MELDPUNT)
    card = page.locator(f"#melding-{alert['alert_id']}")
    card.get_by_label("Huisbezoek afgelegd", exact=True).check()
    card.get_by_label("Aantal medewerkers (bij een huisbezoek)", exact=True).fill("9")
    card.get_by_role("button", name="Terugmelding versturen").click()
    expect()(card.locator(".field-error")).to_contain_text("1 tot en met 6")
    shot(page, tmp_path, "meldpunt-huisbezoek-fout")
    card.get_by_label("Huisbezoek afgelegd", exact=True).check()
    card.get_by_label("Aantal medewerkers (bij een huisbezoek)", exact=True).fill("2")
    card.get_by_label(re.compile("^Het huishouden deed open")).check()
    card.get_by_role("button", name="Terugmelding versturen").click()
    expect()(page.get_by_role("status")).to_have_text("Het huisbezoek is vastgelegd.")
    expect()(card.locator('tr[data-report="contact-made"] td').last).not_to_have_text("nog niet")
    shot(page, tmp_path, "meldpunt-huisbezoek")

    log_out(page)
    log_in(page, "ymere")
    page.get_by_role("link", name="Contactpoging", exact=True).click()
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(new_dwelling())
    page.get_by_label("Hoe zocht u contact", exact=True).select_option("call")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.locator("#result-fout")).to_contain_text("Kies wat de contactpoging opleverde.")
    shot(page, tmp_path, "corporatie-contactpoging-fout")
    page.get_by_label("Wat leverde het op", exact=True).select_option("not_reached")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text(RECEIVED)
    expect()(page.get_by_role("heading", level=1)).to_have_text("Contactpoging corporatie")
    shot(page, tmp_path, "corporatie-contactpoging")

    log_out(page)
    log_in(page, HVO)
    page.get_by_role("link", name="Terugval melden", exact=True).click()
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(new_dwelling())
    page.get_by_label("Datum van de terugval", exact=True).fill(yesterday())
    page.get_by_label("Begin van de woonbegeleiding (optioneel)", exact=True).fill((datetime.now(UTC) - timedelta(days=200)).date().isoformat())
    shot(page, tmp_path, "opvang-terugval")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text(RECEIVED)
    expect()(page.get_by_role("heading", level=1)).to_have_text("Terugval na woonbegeleiding")
    shot(page, tmp_path, "opvang-terugval-verstuurd")
