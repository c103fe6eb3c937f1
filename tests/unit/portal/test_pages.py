"""The portal's pages in front of the real services (in-process, in-memory bus, FakeClock):
login and logout, each role's page and main action, with and without HTMX, and what
each role may not see.

One in-process chain per module (starting and stopping four services per test is slow);
every test makes its own data and logs in itself."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
import pytest_asyncio

from shared.bus.port import OutgoingRecord
from shared.clock import FakeClock
from shared.contracts.envelope import encode
from services.monitor.domain.catalogue import CATALOGUE
from services.portal.pages import auth, corporation, evictions, ggd, ggd_family, municipality, prevention, shelter
from services.portal.session import COOKIE
from tests.support.triage_cases import assessed_case
from tests.support.wait import wait_for
from tests.support import events as monitor_events
from tests.support.events import alert_event, publish
from tests.unit.portal.support import in_process_chain, logged_out_of

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
YMERE = "ymere"
AMSTERDAM = "gemeente-amsterdam"
HTMX = {"HX-Request": "true"}
FAMILY = {
    "adults": 2,
    "children_ages": [3, 7],
    "family_type": "two_parent",
    "need": "crisis",
    "municipality_code": "0363",
}


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(tmp_path_factory):
    async with in_process_chain(tmp_path_factory.mktemp("portal"), FakeClock(monitor_events.on(28))) as chain:
        yield chain


@pytest.fixture
def chain(services):
    """The module's chain, with the browser's cookies forgotten: each test logs in itself."""
    return logged_out_of(services)


# --- login ------------------------------------------------------------------------------------------


async def test_the_login_page_lists_the_organisations_with_a_page(chain):
    page = await chain.portal.get("/inloggen")
    assert page.status_code == 200
    assert "HVO Querido" in page.text and "Gemeente Oss" in page.text
    assert "Politie Eenheid Amsterdam" in page.text and "Vroeg Eropaf" in page.text and "Gerechtsdeurwaarders" in page.text
    assert "Functionaris gegevensbescherming" not in page.text, "no page for the privacy officer: not offered"
    assert 'type="password"' in page.text


async def test_logging_in_keeps_only_a_random_session_id_in_an_httponly_lax_cookie_and_opens_the_role_page(chain):
    anonymous = chain.portal.cookies.get(COOKIE)
    response = await chain.login(HVO)
    assert response.headers["location"] == "/opvang"
    cookie = response.headers["set-cookie"]
    session_id = cookie.split(";")[0].split("=", 1)[1]
    assert cookie.startswith(f"{COOKIE}=") and session_id != anonymous and "." not in session_id, "an id, not a JWT"
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "plain http in test; Secure in production"
    page = await chain.portal.get("/opvang")
    assert page.status_code == 200 and "HVO Querido" in page.text
    assert len(chain.portal_app.state.sessions) >= 1


async def test_a_wrong_secret_logs_nobody_in_and_says_so(chain):
    csrf = await chain.csrf()
    response = await chain.portal.post("/inloggen", data={"organisation": HVO, "secret": "dev-ymere", "csrf_token": csrf})
    assert response.status_code == 401
    assert "De organisatie of de sleutel klopt niet." in response.text
    assert (await chain.portal.get("/opvang")).headers["location"] == "/inloggen"
    missing = await chain.portal.post("/inloggen", data={"organisation": "", "secret": "", "csrf_token": csrf})
    assert missing.status_code == 422
    assert "Kies uw organisatie." in missing.text and 'aria-invalid="true"' in missing.text


async def test_every_post_without_the_sessions_csrf_token_is_refused(chain):
    login = await chain.portal.post("/inloggen", data={"organisation": HVO, "secret": f"dev-{HVO}"})
    assert login.status_code == 403 and "Het formulier was verlopen" in login.text
    await chain.login(GGD)
    token = chain.portal.headers.pop("X-CSRF-Token")
    routers = [page.router for page in (auth, corporation, ggd, ggd_family, municipality, prevention, shelter)]
    routes = [route for router in (*routers, evictions.bailiff, evictions.police) for route in router.routes]
    posts = [route.path for route in routes if "POST" in route.methods and route.path != "/inloggen"]
    assert len(posts) >= 6
    refused = {}
    for path in posts:
        url = path.format(
            alert_id=UUID(int=0), request_id=UUID(int=0), case_key="hh-0123456789abcdef", facility_id="reina", slug="gezin-aangetroffen"
        )
        without = await chain.portal.post(url, data={"worker": ""})
        forged = await chain.portal.post(url, data={"worker": "", "csrf_token": "forged"})
        refused[path] = (without.status_code, forged.status_code)
    still_in = await chain.portal.get("/ggd")
    chain.portal.headers["X-CSRF-Token"] = token
    assert refused == dict.fromkeys(posts, (403, 403)) | {"/uitloggen": (303, 303)}
    assert still_in.status_code == 200, "a refused logout leaves the session as it was"


async def test_logging_out_forgets_the_session_and_clears_the_cookie(chain):
    await chain.login(HVO)
    session_id = chain.portal.cookies.get(COOKIE)
    response = await chain.portal.post("/uitloggen")
    assert response.status_code == 303 and response.headers["location"] == "/inloggen?melding=uitgelogd"
    assert f'{COOKIE}=""' in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    assert chain.portal_app.state.sessions.get(session_id, chain.clock.now()) is None
    assert (await chain.portal.get("/opvang")).headers["location"] == "/inloggen"


async def test_without_a_session_pages_send_to_the_login_and_htmx_is_told_to_go_there(chain):
    for path in ("/ggd", "/opvang", "/corporatie", "/gemeente", "/"):
        response = await chain.portal.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/inloggen", path
    htmx = await chain.portal.post("/opvang/verzoeken/00000000-0000-0000-0000-000000000000/bevestigen", headers=HTMX)
    assert htmx.status_code == 200 and htmx.headers["HX-Redirect"] == "/inloggen"


async def test_an_expired_session_goes_back_to_the_login_with_a_message(chain):
    await chain.login(YMERE)
    chain.clock.advance(minutes=16)
    response = await chain.portal.get("/corporatie")
    assert response.headers["location"] == "/inloggen?melding=verlopen"
    page = await chain.portal.get("/inloggen?melding=verlopen")
    assert "Uw sessie is verlopen" in page.text and 'role="status"' in page.text


async def test_each_role_sees_only_its_own_pages(chain):
    await chain.login(HVO)
    for path in ("/ggd", "/ggd/opvang", "/corporatie", "/gemeente", "/gemeente/cijfers.csv"):
        response = await chain.portal.get(path)
        assert response.status_code == 403, path
        assert "hoort bij een andere rol" in response.text
    refused = await chain.portal.post("/ggd/opvang", data={"adults": "1"})
    assert refused.status_code == 403
    assert "/ggd" not in re.findall(r"<nav.*?</nav>", (await chain.portal.get("/opvang")).text, re.S)[0]


# --- GGD --------------------------------------------------------------------------------------------


async def _alert_in_inbox(chain, event) -> None:
    async with chain.service("notifications", GGD) as notifications:

        async def arrived():
            items = (await notifications.get("/v1/inbox")).json()
            return any(item["alert_id"] == str(event.data.alert_id) for item in items)

        await wait_for(arrived, what="alert in the GGD inbox")


async def test_ggd_sees_the_urgent_alert_and_acknowledges_it_with_htmx(chain):
    urgent = alert_event(GGD, chain.clock.now())
    await publish(chain.bus, urgent)
    await _alert_in_inbox(chain, urgent)
    await chain.login(GGD)

    page = await chain.portal.get("/ggd")
    assert page.status_code == 200
    alert_id = str(urgent.data.alert_id)
    urgent_section = page.text.split('id="overig-kop"')[0]
    assert f'id="melding-{alert_id}"' in urgent_section
    assert "Gezin aangetroffen bij ontruiming" in urgent_section and "waarvan 1 minderjarig (6 jaar)" in urgent_section
    assert f"/ggd/zaken/{urgent.subject}" in page.text
    assert "/ggd/opvang?case_key=" in page.text and "children_ages=6" in page.text

    wrong = await chain.portal.post(f"/ggd/meldingen/{alert_id}/bevestigen", data={"worker": "a@b.nl"}, headers=HTMX)
    assert wrong.status_code == 422 and "geen naam of e-mailadres" in wrong.text

    fragment = await chain.portal.post(
        f"/ggd/meldingen/{alert_id}/bevestigen", data={"worker": "mw-0417"}, headers=HTMX
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("<article"), "a fragment, not a page"
    assert "Bevestigd op" in fragment.text and "(medewerker mw-0417)" in fragment.text
    assert 'hx-swap-oob="innerHTML">De melding is bevestigd.' in fragment.text
    async with chain.service("notifications", GGD) as notifications:
        [item] = [i for i in (await notifications.get("/v1/inbox")).json() if i["alert_id"] == alert_id]
    assert item["acknowledged_by_worker"] == "mw-0417"


async def test_ggd_acknowledges_without_javascript_through_a_redirect(chain):
    urgent = alert_event(GGD, chain.clock.now())
    await publish(chain.bus, urgent)
    await _alert_in_inbox(chain, urgent)
    await chain.login(GGD)
    response = await chain.portal.post(f"/ggd/meldingen/{urgent.data.alert_id}/bevestigen", data={"worker": ""})
    assert response.status_code == 303
    assert response.headers["location"] == f"/ggd?melding=bevestigd#melding-{urgent.data.alert_id}"
    page = await chain.portal.get("/ggd?melding=bevestigd")
    assert "De melding is bevestigd." in page.text and "Bevestigd op" in page.text
    other = await chain.portal.post("/ggd/meldingen/00000000-0000-0000-0000-000000000000/bevestigen", data={})
    assert other.status_code == 404, "not in this GGD's inbox"


async def test_the_case_page_asks_for_a_purpose_and_says_when_triage_does_not_answer(chain):
    await chain.login(GGD)
    page = await chain.portal.get("/ggd/zaken/hh-0123456789abcdef")
    assert page.status_code == 200 and "Reden van inzage" in page.text
    assert (await chain.portal.get("/ggd/zaken/hh-0123456789abcdef?doel=x")).status_code == 422
    assert (await chain.portal.get("/ggd/zaken/not-a-case?doel=zaakbehandeling")).status_code == 404
    # No triage in this in-process chain: the page says which service did not answer.
    down = await chain.portal.get("/ggd/zaken/hh-0123456789abcdef?doel=zaakbehandeling")
    assert down.status_code == 502 and "triage" in down.text


async def test_ggd_asks_for_a_placement_and_follows_its_status(chain):
    await chain.login(GGD)
    form = await chain.portal.get("/ggd/opvang?case_key=hh-0123456789abcdef&adults=2&children_ages=3,+7")
    assert form.status_code == 200
    assert 'value="hh-0123456789abcdef"' in form.text and 'value="0363"' in form.text

    invalid = await chain.portal.post(
        "/ggd/opvang",
        data={
            "adults": "0",
            "children_ages": "3",
            "family_type": "two_parent",
            "need": "crisis",
            "municipality_code": "0363",
            "cause": "eviction",
            "referral_source": "ggd",
        },
    )
    assert invalid.status_code == 422
    assert "Vul het aantal volwassenen in" in invalid.text and 'href="#adults"' in invalid.text

    fields = {
        "adults": "2",
        "children_ages": "3, 7",
        "family_type": "two_parent",
        "need": "crisis",
        "municipality_code": "0363",
        "case_key": "hh-0123456789abcdef",
        "cause": "eviction",
        "referral_source": "ggd",
    }
    unknown = await chain.portal.post("/ggd/opvang", data=fields)
    assert unknown.status_code == 404 and "Deze zaak is niet bekend in uw regio." in unknown.text
    placement = chain.apps["placement"].state.runtime
    await assessed_case(chain.bus, placement, "0363", chain.clock.now(), case_key="hh-0123456789abcdef")
    created = await chain.portal.post("/ggd/opvang", data=fields)
    assert created.status_code == 303 and created.headers["location"].startswith(
        "/ggd/opvang?melding=aangevraagd#verzoek-"
    )
    request_id = created.headers["location"].rsplit("verzoek-", 1)[1]

    page = await chain.portal.get("/ggd/opvang?melding=aangevraagd")
    assert "De opvangaanvraag is verstuurd." in page.text
    row = page.text.split(f'id="verzoek-{request_id}"')[1].split("</tr>")[0]
    assert "Aangeboden aan opvang" in row and "De Roggeveen" in row and "kinderen 3, 7 jr" in row

    again = await chain.portal.post("/ggd/opvang", data=fields)
    assert again.status_code == 409, "the service refuses a second open request for the case"
    assert "Voor deze zaak loopt al een opvangaanvraag" in again.text


# --- shelter ----------------------------------------------------------------------------------------


async def _request(chain, family=FAMILY) -> str:
    async with chain.service("placement", GGD) as placement:
        response = await placement.post("/v1/requests", json=family)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_the_shelter_sees_capacity_per_unit_type_and_confirms_an_offer_with_htmx(chain):
    request_id = await _request(chain)
    await chain.login(HVO)
    page = await chain.portal.get("/opvang")
    assert page.status_code == 200
    assert "Capaciteit per soort eenheid" in page.text and "Gezinsunits (twee ouders)" in page.text
    assert "Leger des Heils" not in page.text, "another shelter's facilities are not listed"
    row = page.text.split(f'id="verzoek-{request_id}"')[1].split("</tr>")[0]
    assert "Aangeboden aan opvang" in row and "Bevestigen" in row and "Reden van afwijzing" in row

    fragment = await chain.portal.post(f"/opvang/verzoeken/{request_id}/bevestigen", headers=HTMX)
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<tr")
    assert "Geplaatst" in fragment.text and "De plaatsing is bevestigd." in fragment.text
    async with chain.service("placement", GGD) as placement:
        assert (await placement.get(f"/v1/requests/{request_id}")).json()["status"] == "placed"

    again = await chain.portal.post(f"/opvang/verzoeken/{request_id}/bevestigen", headers=HTMX)
    assert again.status_code == 409 and "staat niet meer open" in again.text


async def test_the_shelter_declines_with_a_reason_and_without_javascript(chain):
    request_id = await _request(chain)
    await chain.login(HVO)
    no_reason = await chain.portal.post(f"/opvang/verzoeken/{request_id}/afwijzen", data={"reason": ""})
    assert no_reason.status_code == 422 and "Geef een reden" in no_reason.text
    declined = await chain.portal.post(
        f"/opvang/verzoeken/{request_id}/afwijzen", data={"reason": "geen eenheid vrij vannacht"}
    )
    assert declined.status_code == 303 and declined.headers["location"] == "/opvang?melding=afgewezen"
    page = await chain.portal.get("/opvang?melding=afgewezen")
    assert "De afwijzing is vastgelegd" in page.text


# --- corporation ------------------------------------------------------------------------------------

SIGNAL = {"dwelling": "0363010001004477", "observed_on": "2026-11-27", "months": "2", "amount_eur": "1450,00"}


async def test_the_corporation_posts_a_signal_once_and_reads_its_status(chain):
    await chain.login(YMERE)
    page = await chain.portal.get("/corporatie")
    assert page.status_code == 200
    token = re.search(r'name="idempotency" value="([^"]+)"', page.text).group(1)

    posted = await chain.portal.post("/corporatie/signalen", data={**SIGNAL, "idempotency": token})
    assert posted.status_code == 303
    location = posted.headers["location"]
    signal_id = re.match(r"^/corporatie/signalen/([0-9a-f-]{36})\?melding=verstuurd$", location).group(1)
    twice = await chain.portal.post("/corporatie/signalen", data={**SIGNAL, "idempotency": token})
    assert twice.headers["location"] == location, "the same form sent twice is one signal"

    status = await chain.portal.get(location)
    assert status.status_code == 200
    assert "Het signaal is ontvangen door de keten." in status.text
    assert signal_id in status.text and "Huurachterstand" in status.text
    assert re.search(r'data-status="(received|forwarded)"', status.text)

    listed = await chain.portal.get("/corporatie")
    row = listed.text.split(f'data-signal-id="{signal_id}"')[1].split("</tr>")[0]
    assert "Huurachterstand" in row and f"<code>{token}</code>" in row, "the intake's list, with the form's reference"

    found = await chain.portal.get(f"/corporatie/signaal?id={signal_id}")
    assert found.status_code == 303 and found.headers["location"] == f"/corporatie/signalen/{signal_id}"
    assert (await chain.portal.get("/corporatie/signaal?id=abc")).status_code == 422


async def test_the_corporation_form_names_wrong_fields_and_another_corporation_cannot_read_the_signal(chain):
    await chain.login(YMERE)
    wrong = await chain.portal.post(
        "/corporatie/signalen", data={**SIGNAL, "dwelling": "123", "observed_on": "2026-12-01"}
    )
    assert wrong.status_code == 422
    assert "16 cijfers" in wrong.text and "niet in de toekomst" in wrong.text
    posted = await chain.portal.post("/corporatie/signalen", data=SIGNAL)
    location = posted.headers["location"].split("?")[0]
    await chain.portal.post("/uitloggen")
    await chain.login("eigen-haard")
    assert (await chain.portal.get(location)).status_code == 404


# --- municipality -----------------------------------------------------------------------------------


async def _publish(chain, *events) -> None:
    records = [OutgoingRecord(event.data.topic, event.subject, encode(event)) for event in events]
    assert await chain.bus.publish(records) == [None] * len(records)


async def test_the_municipality_sees_its_exact_figures_as_charts_and_tables_and_downloads_csv(chain):
    s = monitor_events
    events = []
    for _ in range(6):
        evicted = s.executed(s.on(12), "evicted")
        events += [evicted, s.assessed(evicted, True)]
    events += [s.scheduled(s.on(3)) for _ in range(3)] + [s.executed(s.on(13), "paid_at_door")]
    await _publish(chain, *events)
    async with chain.service("monitor", AMSTERDAM) as monitor:

        async def counted():
            body = (await monitor.get("/v1/tables/evictions", params={"municipality": "0363"})).json()
            return (
                body["rows"]
                and body["rows"][0]["ontruimd_evicted_families"] == 6
                and body["rows"][0]["aanbod_offered"] == 3
            )

        await wait_for(counted, what="evictions counted")
    await chain.login(AMSTERDAM)

    page = await chain.portal.get("/gemeente?jaar=2026")
    assert page.status_code == 200
    assert "U ziet exacte aantallen" in page.text
    year = page.text.split('data-year="2026"')[1].split("</tr>")[0]
    assert '<td data-column="aanbod_offered">3</td>' in year and '<td data-column="ontruimd_evicted">6</td>' in year
    assert (
        '<td data-column="betaald_paid_at_door">1</td>' in year
        and '<td data-column="ontruimd_evicted_families">6</td>' in year
    )
    assert page.text.count('<svg class="chart" role="img"') == 1 + len(CATALOGUE), "per year, and one per metric the monitor counts"
    evictions = page.text.split('id="maat-eviction"')[1].split("</section>")[0]
    assert (
        '<tr data-outcome="evicted"><th scope="row">Ontruimd</th><td>6</td><td>0</td><td>0</td><td><strong>6</strong></td></tr>'
        in evictions
    )

    csv = await chain.portal.get("/gemeente/cijfers.csv?jaar=2026&maand=11")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="figures-0363-2026-11.csv"' in csv.headers["content-disposition"]
    assert "0363,2026,11,,eviction,evicted,family,6" in csv.text
    table = await chain.portal.get("/gemeente/ontruimingen.csv")
    assert table.text.splitlines()[0].startswith("year,aanbod_offered") and "\n2026,3," in table.text

    elsewhere = await chain.portal.get("/gemeente?gemeente=0344&jaar=2026")
    assert (
        elsewhere.status_code == 200 and "Kleine aantallen (1 tot en met 4) worden getoond als &lt;5." in elsewhere.text
    )
    wrong = await chain.portal.get("/gemeente?jaar=abc")
    assert wrong.status_code == 422 and "Kies een jaar" in wrong.text


async def test_a_small_count_of_another_municipality_is_drawn_as_below_five(chain):
    s = monitor_events
    await _publish(chain, s.executed(s.on(12), "evicted", municipality="0344"))
    async with chain.service("monitor", "gemeente-utrecht") as monitor:

        async def counted():
            return (await monitor.get("/v1/tables/evictions", params={"municipality": "0344"})).json()["rows"]

        await wait_for(counted, what="Utrecht's eviction counted")
    await chain.login(AMSTERDAM)
    page = await chain.portal.get("/gemeente?gemeente=0344&jaar=2026")
    evictions = page.text.split('id="maat-eviction"')[1].split("</section>")[0]
    assert 'class="bar suppressed"' in evictions and ">&lt;5</text>" in evictions


# --- health -----------------------------------------------------------------------------------------


async def test_health_and_security_headers(chain):
    assert (await chain.portal.get("/health/live")).json() == {"status": "live"}
    ready = await chain.portal.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"organisations": True}
    page = await chain.portal.get("/inloggen")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    script = await chain.portal.get("/static/htmx.min.js")
    assert script.status_code == 200 and script.text.startswith("var htmx=")
