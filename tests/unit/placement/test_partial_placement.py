"""A shelter that takes in only part of a family (§8.1: the father not admitted) confirms a
partial placement: its own status, told to the GGD with the counts, and the persons not
admitted stay in the GGD's view until the placement ends."""

from __future__ import annotations

from shared.contracts import event_types
from services.placement.in_view import check_lost_from_view
from tests.support.apps import key, running
from tests.support.placement import GGD, HVO, UNITS, events, post_request, published
from tests.support.triage_cases import assessed_case

FAMILY_OF_81 = {"adults": 2, "children_ages": [5, 6, 8, 12, 14], "family_type": "two_parent", "need": "family"}


async def _occupied(client) -> int:
    [units] = [f for f in (await client.get("/v1/facilities", headers=key(HVO))).json() if f["id"] == UNITS]
    return units["occupied"]


async def test_the_father_not_admitted_is_a_partial_placement_the_ggd_sees_with_the_counts(app, bus, runtime, clock):
    async with running(app) as client:
        case_key = await assessed_case(bus, runtime, "0363", clock.now())
        offered = await post_request(client, case_key=case_key, **FAMILY_OF_81)
        partly = await client.post(
            f"/v1/requests/{offered['id']}/confirm", json={"adults_admitted": 1, "children_admitted": 5}, headers=key(HVO)
        )
        [news] = await published(bus, event_types.PLACEMENT_CONFIRMED, offered["id"])
        seen_by_ggd = (await client.get(f"/v1/requests/{offered['id']}", headers=key(GGD))).json()
        listed = (await client.get("/v1/requests", params={"status": "partly_placed"}, headers=key(GGD))).json()
        occupied = await _occupied(client)
        again = await client.post("/v1/requests", json={**FAMILY_OF_81, "municipality_code": "0363", "case_key": case_key}, headers=key(GGD))

    assert partly.status_code == 200, partly.text
    assert seen_by_ggd["status"] == "partly_placed" and [r["id"] for r in listed] == [offered["id"]]
    counts = ("adults_admitted", "children_admitted", "adults_not_admitted", "children_not_admitted")
    assert tuple(seen_by_ggd[name] for name in counts) == (1, 5, 1, 0)
    assert news.data.recipient == GGD and news.data.partial is True and news.data.case_lead == HVO
    assert tuple(getattr(news.data, name) for name in counts) == (1, 5, 1, 0)
    assert occupied == 1, "the admitted part takes one family unit"
    assert again.status_code == 409, "the request stays open for the father: one open request per case"


async def test_the_persons_not_admitted_stay_in_view_until_the_placement_ends(app, bus, runtime, clock):
    async with running(app) as client:
        offered = await post_request(client, **FAMILY_OF_81, municipality_code="0363")
        await client.post(f"/v1/requests/{offered['id']}/confirm", json={"adults_admitted": 1}, headers=key(HVO))
        where = await client.post(f"/v1/requests/{offered['id']}/alternative", json={"kind": "night_shelter"}, headers=key(GGD))
        clock.advance(days=13)
        quiet = await check_lost_from_view(runtime, clock.now())
        clock.advance(days=1)
        lost = await check_lost_from_view(runtime, clock.now())
        [alert] = await published(bus, event_types.PLACEMENT_LOST_FROM_VIEW, offered["id"])
        ended = await client.post(f"/v1/requests/{offered['id']}/end", json={"outflow": "own_network"}, headers=key(HVO))
        clock.advance(days=30)
        after_end = await check_lost_from_view(runtime, clock.now())
        occupied = await _occupied(client)

    assert where.status_code == 201, where.text
    assert where.json()["status"] == "partly_placed" and where.json()["alternatives"][0]["kind"] == "night_shelter"
    assert not events(bus, event_types.PLACEMENT_WAITLISTED, offered["id"]), "a partly placed family is not on a waiting list"
    assert (quiet, lost) == (0, 1)
    assert alert.data.recipient == GGD and alert.data.last_alternative == "night_shelter" and alert.data.days_without_update == 14
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert after_end == 0 and occupied == 0


async def test_a_confirmation_without_counts_places_the_whole_family_as_before(app, bus):
    async with running(app) as client:
        offered = await post_request(client)
        placed = await client.post(f"/v1/requests/{offered['id']}/confirm", headers=key(HVO))
        everyone = await client.post(  # counts equal to the family: a whole placement too
            f"/v1/requests/{(await post_request(client))['id']}/confirm", json={"adults_admitted": 2, "children_admitted": 2}, headers=key(HVO)
        )
        [news] = await published(bus, event_types.PLACEMENT_CONFIRMED, offered["id"])
    assert placed.status_code == everyone.status_code == 200
    for view in (placed.json(), everyone.json()):
        assert view["status"] == "placed" and (view["adults_not_admitted"], view["children_not_admitted"]) == (0, 0)
    assert news.data.partial is False and (news.data.adults_admitted, news.data.children_admitted) == (2, 2)


async def test_counts_that_do_not_fit_the_family_are_refused_naming_the_field_and_change_nothing(app, bus):
    async with running(app) as client:
        offered = await post_request(client)  # 2 adults, 2 children
        url = f"/v1/requests/{offered['id']}/confirm"
        too_many_adults = await client.post(url, json={"adults_admitted": 3}, headers=key(HVO))
        too_many_children = await client.post(url, json={"adults_admitted": 1, "children_admitted": 3}, headers=key(HVO))
        children_alone = await client.post(url, json={"adults_admitted": 0, "children_admitted": 2}, headers=key(HVO))
        not_a_count = await client.post(url, json={"adults_admitted": "one"}, headers=key(HVO))
        still = (await client.get(f"/v1/requests/{offered['id']}", headers=key(GGD))).json()
        occupied = await _occupied(client)

    assert too_many_adults.status_code == too_many_children.status_code == 409
    assert too_many_adults.json()["invalid-params"][0]["loc"] == ["body", "adults_admitted"]
    assert "2 adult" in too_many_adults.json()["invalid-params"][0]["reason"]
    assert too_many_children.json()["invalid-params"][0]["loc"] == ["body", "children_admitted"]
    assert children_alone.status_code == not_a_count.status_code == 400
    assert children_alone.json()["invalid-params"][0]["loc"] == ["body", "adults_admitted"]
    assert still["status"] == "offered" and occupied == 0
    assert not events(bus, event_types.PLACEMENT_CONFIRMED, offered["id"])


async def test_a_withdrawal_after_a_partial_placement_is_too_late_and_the_admitted_part_stays(app, bus, clock):
    from tests.support.placement import FromTriage

    triage = FromTriage(bus, clock)
    async with running(app) as client:
        request_id = await triage.request()
        await published(bus, event_types.PLACEMENT_OFFERED, request_id)
        await client.post(f"/v1/requests/{request_id}/confirm", json={"adults_admitted": 1}, headers=key(HVO))
        await triage.withdraw(request_id)
        [handled] = await published(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, request_id)
        view = (await client.get(f"/v1/requests/{request_id}", headers=key(HVO))).json()
    assert handled.data.outcome == "too_late" and handled.data.status_before == "partly_placed"
    assert handled.data.also_notify == [HVO] and view["status"] == "partly_placed"
