"""The portal in real headless Chromium, in front of the running chain (intake, triage,
placement, notifications and the monitor as processes on real Kafka and PostgreSQL).

Each role logs in through the login page, does its main action and sees the result:
GGD acknowledges an urgent alert and reads the case timeline, and asks for a place;
the shelter confirms the place offered to it; the corporation posts a signal and sees
it routed; the municipality sees the figures and downloads the CSV. One screenshot
per page goes to the test's tmp dir, and axe-core checks every page at WCAG 2.1 AA
(`tests/support/axe.py`): zero violations.

Chromium is Debian's (/usr/bin/chromium, `deploy/local/install-browser.sh`); a missing
browser FAILS these tests, like missing Kafka or PostgreSQL does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from services.monitor.domain.catalogue import CATALOGUE
from shared.privacy import household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.axe import assert_accessible
from tests.support.browser import expect, log_in, shot
from tests.support.partner_requests import (
    FAMILY_DWELLING,
    GGD,
    HVO,
    family_found,
    inbox_item,
    new_dwelling,
    offered_to_hvo,
    post_signal,
    yesterday,
)
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

YMERE = "ymere"
AMSTERDAM = "gemeente-amsterdam"


# --- GGD --------------------------------------------------------------------------------------------


def test_ggd_acknowledges_an_urgent_alert_reads_the_timeline_and_asks_for_a_place(chain, page, tmp_path):
    signal_id = family_found(chain, new_dwelling(), [4, 9])
    alert = eventually(lambda: inbox_item(chain, signal_id), timeout=60, what="urgent alert in the GGD inbox")
    alert_id, case_key = alert["alert_id"], alert["case_key"]

    log_in(page, GGD)
    expect()(page).to_have_url(re.compile(r"/ggd$"))
    card = page.locator(f"#melding-{alert_id}")
    expect()(card).to_be_visible()
    expect()(card).to_contain_text("Urgent")
    expect()(card).to_contain_text("Gezin aangetroffen bij ontruiming")
    expect()(card).to_contain_text("waarvan 2 minderjarig (4, 9 jaar)")
    assert page.locator("#urgent-kop ~ article", has=page.locator(f"text={case_key}")).count() == 1
    shot(page, tmp_path, "ggd-meldingen")

    card.get_by_label("Uw medewerkernummer (optioneel)", exact=True).fill("mw-0417")
    card.get_by_role("button", name="Bevestigen").click()
    acknowledged = page.locator(f"#melding-{alert_id}")  # swapped in place by HTMX
    expect()(acknowledged).to_contain_text("Bevestigd op")
    expect()(acknowledged).to_contain_text("(medewerker mw-0417)")
    expect()(page.get_by_role("status")).to_have_text("De melding is bevestigd.")
    assert inbox_item(chain, signal_id)["acknowledged_by_worker"] == "mw-0417"
    assert_accessible(page)  # after HTMX swapped the card

    acknowledged.get_by_role("link", name="Tijdlijn van de zaak").click()
    assert_accessible(page)  # the purpose asked before the case is read
    page.get_by_label("Opvolging urgente melding", exact=True).check()
    page.get_by_role("button", name="Zaak inzien").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(case_key)
    timeline = page.locator("ol.timeline")
    expect()(timeline).to_contain_text("Signaal")
    expect()(timeline).to_contain_text("Routeringsbesluit")
    expect()(timeline).to_contain_text("Melding")
    expect()(page.get_by_role("table", name="Meldingen in deze zaak")).to_contain_text("GGD Amsterdam, Vangnet en Advies")
    shot(page, tmp_path, "ggd-zaak")

    # Triage asked for a place for this family itself; GGD follows it and asks for another family.
    page.get_by_role("link", name="Opvang aanvragen", exact=True).click()

    def requested_for_the_case():
        page.reload()
        return page.locator("tr", has=page.locator(f'a[href="/ggd/zaken/{case_key}"]')).count() == 1

    eventually(requested_for_the_case, timeout=60, what="the case's placement request on the GGD page")

    page.get_by_label("Leeftijden van de kinderen", exact=True).fill("5, achttien")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect()(page.locator(".error-summary")).to_contain_text("Vul de leeftijden van de kinderen in")
    shot(page, tmp_path, "ggd-opvang-fouten")  # errors linked to their fields

    page.get_by_label("Aantal volwassenen", exact=True).fill("1")
    page.get_by_label("Leeftijden van de kinderen", exact=True).fill("5")
    page.get_by_label("Gezinssamenstelling", exact=True).select_option("one_parent")
    page.get_by_label("Nodig", exact=True).select_option("crisis")
    page.get_by_label("Gemeentecode van herkomst", exact=True).fill("0363")
    page.get_by_label("Oorzaak: waarom heeft het gezin geen woning", exact=True).select_option("domestic_violence")
    page.get_by_label("Doorverwezen door", exact=True).select_option("womens_shelter")
    page.get_by_role("button", name="Aanvraag versturen").click()
    expect()(page.get_by_role("status")).to_have_text("De opvangaanvraag is verstuurd.")
    request_id = page.url.rsplit("#verzoek-", 1)[1]
    row = page.locator(f"#verzoek-{request_id}")
    expect()(row).to_contain_text("1 volw., kinderen 5 jr")
    expect()(row.locator(".request-status")).to_contain_text("Aangeboden aan opvang")
    shot(page, tmp_path, "ggd-opvang")
    with chain.client("placement", GGD) as client:
        asked = client.get(f"/v1/requests/{request_id}").json()
    assert (asked["cause"], asked["referral_source"]) == ("domestic_violence", "womens_shelter")


# --- shelter ----------------------------------------------------------------------------------------


def test_shelter_confirms_the_place_offered_to_it(chain, page, tmp_path):
    dwelling = new_dwelling()
    family_found(chain, dwelling, [3, 7])
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)
    offered = eventually(lambda: offered_to_hvo(chain, case_key), timeout=60, what="an offer to HVO Querido")

    log_in(page, HVO)
    expect()(page.get_by_role("heading", name="Capaciteit per soort eenheid")).to_be_visible()
    capacity = page.locator("table").first
    expect()(capacity).to_contain_text("Gezinsunits (twee ouders)")
    row = page.locator(f"#verzoek-{offered['id']}")
    expect()(row).to_contain_text("2 volw., kinderen 3, 7 jr")
    expect()(row).to_contain_text("De Roggeveen (gezinsunits)")
    shot(page, tmp_path, "opvang")

    row.get_by_role("button", name="Bevestigen").click()
    confirmed = page.locator(f"#verzoek-{offered['id']}")
    expect()(confirmed.locator(".request-status")).to_have_text("Geplaatst")
    expect()(page.get_by_role("status")).to_have_text("De plaatsing is bevestigd.")
    with chain.client("placement", HVO) as client:
        assert client.get(f"/v1/requests/{offered['id']}").json()["status"] == "placed"
    assert_accessible(page)  # after HTMX swapped the row


# --- corporation ------------------------------------------------------------------------------------


def test_corporation_posts_a_signal_and_sees_it_routed(chain, page, tmp_path):
    log_in(page, YMERE)
    shot(page, tmp_path, "corporatie")
    page.get_by_label("BAG-verblijfsobjectnummer van de woning", exact=True).fill(FAMILY_DWELLING)
    page.get_by_label("Datum waarop de achterstand ontstond", exact=True).fill(yesterday())
    page.get_by_label("Aantal maanden achterstand", exact=True).fill("2")
    page.get_by_label("Bedrag van de achterstand (euro)", exact=True).fill("1450,00")
    page.get_by_role("button", name="Signaal versturen").click()
    expect()(page.get_by_role("status")).to_have_text("Het signaal is ontvangen door de keten.")
    assert "/corporatie/signalen/" in page.url

    def routed():
        page.reload()
        return page.locator(".signal-status").get_attribute("data-status") == "routed"

    eventually(routed, timeout=60, interval=0.5, what="the signal routed to a team")
    expect()(page.locator(".signal-status")).to_have_text("Belegd bij een team")
    expect()(page.get_by_role("table")).to_contain_text("Vroeg Eropaf")
    shot(page, tmp_path, "corporatie-signaal")


# --- municipality -----------------------------------------------------------------------------------


def eviction_row(monitor) -> dict | None:
    response = httpx.get(
        monitor.url + "/v1/tables/evictions",
        params={"municipality": "0363"},
        headers={"X-API-Key": f"dev-{AMSTERDAM}"},
        timeout=10,
    )
    rows = [row for row in response.json()["rows"] if row["ontruimd_evicted"] >= 1 and row["aanbod_offered"] >= 1]
    return rows[-1] if rows else None


def families_found(monitor, year: int) -> bool:
    response = httpx.get(
        monitor.url + "/v1/figures",
        params={"municipality": "0363", "year": year},
        headers={"X-API-Key": f"dev-{AMSTERDAM}"},
        timeout=10,
    )
    figures = response.json()["figures"]
    return any(
        f["metric"] == "signal" and f["outcome"] == "eviction.family-found" and isinstance(f["count"], int) and f["count"] >= 1
        for f in figures
    )


def test_municipality_sees_the_figures_as_charts_and_downloads_the_csv(chain, monitor, page, tmp_path):
    dwelling = new_dwelling()
    address = {"adresseerbaarObjectIdentificatie": dwelling}
    eviction_date = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    scheduled = {
        "type": "eviction.scheduled",
        "address": address,
        "observed_on": yesterday(),
        "eviction_date": eviction_date,
    }
    executed = {"type": "eviction.executed", "address": address, "observed_on": yesterday(), "outcome": "evicted"}
    post_signal(chain, "deurwaarder-amsterdam", scheduled)
    post_signal(chain, "deurwaarder-amsterdam", executed)
    family_found(chain, new_dwelling(), [2, 6])  # its own, so the test does not lean on the GGD's
    row = eventually(lambda: eviction_row(monitor), timeout=60, what="the eviction counted by the monitor")
    eventually(lambda: families_found(monitor, row["year"]), timeout=60, what="the family found counted by the monitor")

    log_in(page, AMSTERDAM)
    page.goto(f"/gemeente?jaar={row['year']}")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Monitor Amsterdam")
    expect()(page.locator("main")).to_contain_text("U ziet exacte aantallen")
    year = page.locator(f'#tabel-ontruimingen tr[data-year="{row["year"]}"]')
    expect()(year.locator('td[data-column="ontruimd_evicted"]')).to_have_text(str(row["ontruimd_evicted"]))
    expect()(year.locator('td[data-column="aanbod_offered"]')).to_have_text(str(row["aanbod_offered"]))
    expect()(page.locator('svg.chart[role="img"]')).to_have_count(1 + len(CATALOGUE))  # per year, and one per metric, as tests/unit/portal/test_pages.py
    signals = page.locator("#maat-signal")
    expect()(signals.locator('tr[data-outcome="eviction.family-found"] td').last).not_to_have_text("0")
    shot(page, tmp_path, "gemeente")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download deze tabel als CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("year,aanbod_offered,afgemeld_withdrawn")
    assert any(line.startswith(f"{row['year']},{row['aanbod_offered']},") for line in lines[1:])
