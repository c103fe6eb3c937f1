"""The placement steps that were API-only, on the portal's pages (issue 14 §3, docs/adr/0029):
the GGD says why the family has no home and who referred it; the shelter admits part of a
family (partly placed) and records the day the trajectory plan was made. In front of
placement in-process, every refusal shown next to its field."""

from __future__ import annotations



GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
HTMX = {"HX-Request": "true"}
FAMILY = {"adults": 2, "children_ages": [5, 6, 8], "family_type": "two_parent", "need": "family", "municipality_code": "0363"}
FORM = {"adults": "1", "children_ages": "4", "family_type": "one_parent", "need": "crisis", "municipality_code": "0363"}


async def offered(chain) -> dict:
    async with chain.service("placement", GGD) as placement:
        request = (await placement.post("/v1/requests", json=FAMILY)).json()
    assert request["status"] == "offered" and request["facility_id"].startswith("roggeveen"), request
    return request


async def test_the_ggd_says_why_the_family_has_no_home_and_who_referred_it(chain):
    await chain.login(GGD)
    form = await chain.portal.get("/ggd/opvang")
    assert 'id="cause"' in form.text and '<option value="domestic_violence">Huiselijk geweld</option>' in form.text
    assert '<option value="ggd" selected>GGD of centrale toegang</option>' in form.text, "the GGD refers by default"
    from_alert = await chain.portal.get("/ggd/opvang?case_key=hh-0123456789abcdef")
    assert '<option value="eviction" selected>Huisuitzetting</option>' in from_alert.text, "an alert's case is an eviction"

    missing = await chain.portal.post("/ggd/opvang", data={**FORM, "referral_source": "ggd"})
    assert missing.status_code == 422 and 'href="#cause"' in missing.text and 'aria-invalid="true"' in missing.text
    created = await chain.portal.post("/ggd/opvang", data={**FORM, "cause": "domestic_violence", "referral_source": "womens_shelter"})
    assert created.status_code == 303, created.text
    request_id = created.headers["location"].rsplit("verzoek-", 1)[1]

    async with chain.service("placement", GGD) as placement:
        stored = (await placement.get(f"/v1/requests/{request_id}")).json()
    assert (stored["cause"], stored["referral_source"]) == ("domestic_violence", "womens_shelter")
    page = (await chain.portal.get(f"/ggd/opvang/{request_id}")).text
    assert '<dd class="request-cause">Huiselijk geweld</dd>' in page and '<dd class="request-referral">Vrouwenopvang</dd>' in page


async def test_the_shelter_admits_part_of_the_family_and_the_ggd_keeps_the_rest_in_view(chain):
    request = await offered(chain)
    await chain.login(HVO)
    path = f"/opvang/verzoeken/{request['id']}/deels-bevestigen"
    too_many = await chain.portal.post(path, data={"adults_admitted": "3", "children_admitted": "1"}, headers=HTMX)
    assert too_many.status_code == 409 and "Zoveel volwassenen telt het gezin niet" in too_many.text
    assert f'id="volw-{request["id"]}-fout"' in too_many.text, "the refusal is next to its field"
    no_adult = await chain.portal.post(path, data={"adults_admitted": "0", "children_admitted": "3"}, headers=HTMX)
    assert no_adult.status_code == 422 and "zonder volwassene" in no_adult.text

    row = await chain.portal.post(path, data={"adults_admitted": "1", "children_admitted": "3"}, headers=HTMX)
    assert row.status_code == 200 and "Deels geplaatst" in row.text and "opgenomen: 1 volw. en 3 kinderen" in row.text
    assert "De plaatsing is bevestigd voor een deel van het gezin" in row.text
    async with chain.service("placement", GGD) as placement:
        view = (await placement.get(f"/v1/requests/{request['id']}")).json()
    assert (view["status"], view["adults_not_admitted"], view["children_not_admitted"]) == ("partly_placed", 1, 0)


async def test_the_shelter_records_the_day_the_trajectory_plan_was_made(chain):
    request = await offered(chain)
    await chain.login(HVO)
    assert (await chain.portal.post(f"/opvang/verzoeken/{request['id']}/bevestigen")).status_code == 303
    overview = (await chain.portal.get("/opvang")).text
    row = overview.split(f'id="verzoek-{request["id"]}"')[1].split("</tr>")[0]
    assert "Trajectplan gemaakt op" in row and "Uiterlijk 2027-01-09" in row

    path = f"/opvang/verzoeken/{request['id']}/trajectplan"
    future = await chain.portal.post(path, data={"made_on": "2026-12-01"}, headers=HTMX)
    assert future.status_code == 422 and "niet in de toekomst" in future.text
    before = await chain.portal.post(path, data={"made_on": "2026-11-01"}, headers=HTMX)
    assert before.status_code == 409 and "vóór de plaatsing" in before.text, "placement's refusal, on the field"

    made = await chain.portal.post(path, data={"made_on": "2026-11-28"})
    assert made.status_code == 303 and made.headers["location"].startswith("/opvang?melding=trajectplan")
    page = (await chain.portal.get(made.headers["location"])).text
    assert "Het trajectplan is vastgelegd." in page and "Trajectplan gemaakt op 2026-11-28." in page
    async with chain.service("placement", GGD) as placement:
        assert (await placement.get(f"/v1/requests/{request['id']}")).json()["plan_made_on"] == "2026-11-28"


async def test_the_shelter_admits_the_rest_of_the_family_later(chain):
    request = await offered(chain)
    await chain.login(HVO)
    await chain.portal.post(f"/opvang/verzoeken/{request['id']}/deels-bevestigen", data={"adults_admitted": "1", "children_admitted": "2"})
    row = (await chain.portal.get("/opvang")).text.split(f'id="verzoek-{request["id"]}"')[1].split("</tr>")[0]
    assert "Rest van het gezin opnemen" in row and "nog 1 volw. en 1 kind" in row

    whole = await chain.portal.post(f"/opvang/verzoeken/{request['id']}/rest-opnemen", headers=HTMX)
    assert whole.status_code == 200 and "het hele gezin is geplaatst" in whole.text
    assert '<span class="badge status-placed">Geplaatst</span>' in whole.text and "Rest van het gezin opnemen" not in whole.text
    again = await chain.portal.post(f"/opvang/verzoeken/{request['id']}/rest-opnemen", headers=HTMX)
    assert again.status_code == 409 and "het hele gezin is al opgenomen" in again.text
    async with chain.service("placement", GGD) as placement:
        assert (await placement.get(f"/v1/requests/{request['id']}")).json()["status"] == "placed"
