"""The portal shows a partial placement (the father not admitted, §8.1 of the report): the GGD
sees who was not admitted and where they stay, and the day the trajectory plan is due; the
shelter can still record the outflow. In front of placement in-process (no triage)."""

from __future__ import annotations



GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
FAMILY = {"adults": 2, "children_ages": [5, 6, 8], "family_type": "two_parent", "need": "family", "municipality_code": "0363"}


async def test_the_ggd_sees_the_persons_not_admitted_keeps_them_in_view_and_sees_the_plans_day(chain):
    async with chain.service("placement", GGD) as placement:
        request = (await placement.post("/v1/requests", json=FAMILY)).json()
    async with chain.service("placement", HVO) as placement:
        partly = await placement.post(f"/v1/requests/{request['id']}/confirm", json={"adults_admitted": 1})
    assert partly.status_code == 200, partly.text

    await chain.login(GGD)
    page = await chain.portal.get(f"/ggd/opvang/{request['id']}")
    assert page.status_code == 200
    assert "Deels geplaatst in" in page.text and "niet opgenomen 1 volw. en 0 kinderen" in page.text
    assert "uiterlijk 2027-01-09" in page.text  # placed 28 November 2026: six weeks
    recorded = await chain.portal.post(f"/ggd/opvang/{request['id']}/alternatief", data={"kind": "night_shelter"})
    assert recorded.status_code == 303, recorded.text
    shown = await chain.portal.get(recorded.headers["location"])
    assert 'data-alternative="night_shelter"' in shown.text

    await chain.portal.post("/uitloggen")
    await chain.login(HVO)
    row = (await chain.portal.get("/opvang")).text.split(f'id="verzoek-{request["id"]}"')[1].split("</tr>")[0]
    assert "Deels geplaatst" in row and "Vertrek vastleggen" in row
