"""A partly placed family made whole (docs/adr/0037): the shelter admits the father it did not
admit at first. The request is placed, with the same unit and the same plan's day, the GGD
is told with the counts admitted later, and nobody of the family is kept in view any more."""

from __future__ import annotations

import pytest

from shared.contracts import event_types
from services.placement.domain.admission import AdmissionProblem, rest_admitted
from services.placement.in_view import check_lost_from_view
from tests.support.apps import key, running
from tests.support.placement import GGD, HVO, UNITS, post_request, published

FAMILY_OF_81 = {"adults": 2, "children_ages": [5, 6, 8, 12, 14], "family_type": "two_parent", "need": "family", "municipality_code": "0363"}
OTHER_SHELTER = "leger-des-heils-amsterdam"


async def _occupied(client) -> int:
    [units] = [f for f in (await client.get("/v1/facilities", headers=key(HVO))).json() if f["id"] == UNITS]
    return units["occupied"]


async def test_the_father_admitted_later_makes_the_placement_whole_and_the_ggd_hears_it(app, bus, runtime, clock):
    async with running(app) as client:
        offered = await post_request(client, **FAMILY_OF_81)
        path = f"/v1/requests/{offered['id']}"
        partly = (await client.post(f"{path}/confirm", json={"adults_admitted": 1, "children_admitted": 4}, headers=key(HVO))).json()
        clock.advance(days=3)
        stranger = await client.post(f"{path}/admit-rest", headers=key(OTHER_SHELTER))
        whole = await client.post(f"{path}/admit-rest", headers=key(HVO))
        [news] = await published(bus, event_types.PLACEMENT_REST_ADMITTED, offered["id"])
        again = await client.post(f"{path}/admit-rest", headers=key(HVO))
        seen_by_ggd = (await client.get(path, headers=key(GGD))).json()
        occupied = await _occupied(client)
        clock.advance(days=30)
        lost = await check_lost_from_view(runtime, clock.now())

    assert stranger.status_code == 404, "another shelter's placement looks like none"
    assert whole.status_code == 200, whole.text
    assert seen_by_ggd["status"] == "placed" and (seen_by_ggd["adults_not_admitted"], seen_by_ggd["children_not_admitted"]) == (0, 0)
    assert seen_by_ggd["placed_at"] == partly["placed_at"] and seen_by_ggd["plan_due_on"] == partly["plan_due_on"]
    assert occupied == 1, "the same unit: admitting the rest takes no second one"
    assert news.data.recipient == GGD and news.data.shelter == HVO
    assert (news.data.adults_admitted, news.data.children_admitted) == (2, 5)
    assert (news.data.adults_admitted_later, news.data.children_admitted_later) == (1, 1)
    assert again.status_code == 409 and again.json()["invalid-params"][0]["name"] == "request.status"
    assert lost == 0, "a whole family in shelter is not kept in view as lost"


async def test_a_whole_placement_has_no_rest_to_admit(app):
    async with running(app) as client:
        offered = await post_request(client, **FAMILY_OF_81)
        await client.post(f"/v1/requests/{offered['id']}/confirm", headers=key(HVO))
        refused = await client.post(f"/v1/requests/{offered['id']}/admit-rest", headers=key(HVO))
    assert refused.status_code == 409 and "only a partly placed family" in refused.text


def test_the_rest_is_everyone_left_out_and_nothing_when_nobody_was():
    whole = rest_admitted(2, 5, 1, 4)
    assert (whole.adults_admitted, whole.children_admitted, whole.partial) == (2, 5, False)
    with pytest.raises(AdmissionProblem, match="admitted already"):
        rest_admitted(2, 5, 2, 5)
