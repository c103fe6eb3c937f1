"""The family, not the dwelling (docs/adr/0038), through the real services on Kafka: the
Utrecht family of the official BRP test set is evicted from Mesonweg 2 and placed by the
Tussenvoorziening; it moves to Amsterdam (the register stand-in's test hook) and is evicted
there months later. GGD Amsterdam, alerted for the second eviction, reads the Utrecht case,
its placement and its eviction on the Amsterdam case; the corporation and GGD Utrecht do
not get the Amsterdam case; the monitor counts one repeat eviction in Amsterdam."""

from __future__ import annotations

import httpx
import pytest

from tests.support.figures import figure
from tests.support.scenarios import case_key, post_signal, subscribe_teams, the_alert
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MESONWEG = "0344010000192444"  # Utrecht: two adults, children born 2014, 2017, 2019 (official test persons)
NEW_HOME = "0363010000999001"  # Amsterdam: nobody registered until the family moves in
FAMILY = ["999996150", "999996162", "999996174", "999996186", "999996241"]
GGD_UTRECHT, GGD_AMSTERDAM, SHELTER = "ggd-utrecht", "ggd-amsterdam-vangnet", "tussenvoorziening"
EVICTED_IN_UTRECHT = "2026-09-01"


def placed_in_utrecht(chain) -> str:
    """The Tussenvoorziening confirms the place placement offered for triage's request."""
    with chain.client("placement", SHELTER) as shelter:
        [request] = eventually(
            lambda: [r for r in shelter.get("/v1/requests").json() if r["case_key"] == case_key(MESONWEG) and r["status"] == "offered"],
            what="the family offered a place in Utrecht",
        )
        confirmed = shelter.post(f"/v1/requests/{request['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    return request["id"]


def the_case(chain, organisation: str, dwelling: str) -> httpx.Response:
    with chain.client("triage", organisation) as client:
        return client.get(f"/v1/cases/{case_key(dwelling)}", params={"purpose": "family history check"})


def test_the_amsterdam_case_shows_the_utrecht_eviction_and_placement_and_the_monitor_counts_a_repeat(chain, monitor):
    subscribe_teams(chain, (GGD_UTRECHT, GGD_AMSTERDAM))
    first = post_signal(chain, "deurwaarder-noord", MESONWEG, {
        "type": "eviction.executed", "outcome": "evicted", "observed_on": EVICTED_IN_UTRECHT, "eviction_date": EVICTED_IN_UTRECHT,
    })  # fmt: skip
    assert the_alert(chain, GGD_UTRECHT, "GG&GD Utrecht alerted", signal_id=first)["rule_id"] == "utr-family-evicted"
    request_id = placed_in_utrecht(chain)
    eventually(lambda: the_case(chain, GGD_UTRECHT, MESONWEG).json()["state"] == "placed", what="the Utrecht case placed")

    move = {"burgerservicenummers": FAMILY, "adresseerbaarObjectIdentificatie": NEW_HOME, "datumAanvangAdreshouding": "2026-10-15"}
    assert httpx.post(chain.urls["register"] + "/test/verhuizing", json=move, timeout=10).json() == {"moved": 5}
    again = post_signal(chain, "deurwaarder-amsterdam", NEW_HOME, {"type": "eviction.executed", "outcome": "evicted"})
    alert = the_alert(chain, GGD_AMSTERDAM, "GGD Amsterdam alerted", signal_id=again)
    assert alert["rule_id"] == "ams-family-evicted" and alert["minors"] == 3

    case = the_case(chain, GGD_AMSTERDAM, NEW_HOME)
    assert case.status_code == 200, case.text
    [earlier] = case.json()["earlier_cases"]
    assert (earlier["case_key"], earlier["municipality_code"], earlier["evicted_on"]) == (case_key(MESONWEG), "0344", EVICTED_IN_UTRECHT)
    assert earlier["shared_persons"] == 5 and earlier["state"] == "placed"
    news = {(e["summary"].get("type"), e["summary"].get("shelter")) for e in earlier["placements"] if e["summary"]["request_id"] == request_id}
    assert ("placement.confirmed", SHELTER) in news
    assert the_case(chain, "ymere", NEW_HOME).status_code == 403, "a corporation reads no case"
    assert the_case(chain, GGD_UTRECHT, NEW_HOME).status_code == 404, "GG&GD Utrecht was not alerted in Amsterdam"

    with httpx.Client(base_url=chain.urls["triage"], headers={"X-API-Key": "dev-functionaris-gegevensbescherming"}) as officer:
        audit = officer.get("/v1/audit", params={"subject": case_key(MESONWEG)}).json()
    assert any(r["action"] == "read linked case" and r["organisation_id"] == GGD_AMSTERDAM for r in audit)

    def repeats():
        with httpx.Client(base_url=monitor.url, headers={"X-API-Key": "dev-gemeente-amsterdam"}, timeout=10) as client:
            body = client.get("/v1/figures", params={"municipality": "0363", "year": 2026}).json()
        return body if figure(body, "repeat", "evicted_again") == 1 else None

    body = eventually(repeats, what="the monitor counted the repeat eviction")
    assert figure(body, "repeat", "evicted_again", "family") == 1 and figure(body, "repeat", "signalled_again") == 1


def test_the_ggd_reads_the_earlier_case_on_its_case_page(chain, page, tmp_path):
    """After the test above (same chain): the portal's case page, in Chromium, checked by axe-core."""
    from tests.support.browser import expect, log_in, shot

    log_in(page, GGD_AMSTERDAM)
    page.goto(f"/ggd/zaken/{case_key(NEW_HOME)}?doel=zaakbehandeling")
    earlier = page.locator("section", has=page.get_by_role("heading", name="Eerdere zaken van dit gezin"))
    expect()(earlier).to_contain_text(case_key(MESONWEG))
    expect()(earlier).to_contain_text("Utrecht")
    expect()(earlier).to_contain_text("01-09-2026")
    expect()(earlier).to_contain_text("Geplaatst")
    expect()(earlier).to_contain_text("Tussenvoorziening Utrecht")
    shot(page, tmp_path, "ggd-eerdere-zaken")
