"""The placement service over HTTP, in-process: SQLite, in-memory bus, FakeClock.

Registry and capacity, GGD requests, the waiting list with its priority and
positions, alternatives, lost from view, outflow, and who may see what."""

from __future__ import annotations

import uuid

import pytest

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import decode, encode, new_event
from shared.contracts.events.triage import FamilyType, PlacementNeed, PlacementRequested
from services.placement.app import create_app
from services.placement.in_view import check_lost_from_view
from tests.support.apps import key, running
from tests.support.triage_cases import assessed_case
from tests.support.placement import FAMILY, GGD, HVO, UNITS, events, full_except, make_runtime, post_request, published
from tests.support.wait import wait_for
from tests.support.problems import refusal


async def test_the_reports_capacities_are_visible_to_ggd_shelters_and_municipalities(app):
    async with running(app) as client:
        for reader in (GGD, HVO, "gemeente-amsterdam"):
            response = await client.get("/v1/facilities", params={"centre": "0363"}, headers=key(reader))
            assert response.status_code == 200, response.text
        anonymous = await client.get("/v1/facilities")
    [units] = [f for f in response.json() if f["id"] == UNITS]
    assert units["name"] == "De Roggeveen (gezinsunits)" and units["shelter"] == HVO
    assert units["unit_type"] == "family_two_parent" and units["accepts"] == ["two_parent"]
    assert (units["capacity"], units["occupied"], units["offered"], units["free"]) == (20, 0, 0, 20)
    assert {"0363", "0394"} <= set(units["region"])
    assert {f["unit_type"] for f in response.json()} == {"crisis", "mother_with_children", "family_two_parent", "ambulant"}
    assert anonymous.status_code == 401


async def test_a_shelter_updates_the_capacity_of_its_own_facility_only(app, runtime):
    async with running(app) as client:
        raised = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 22}, headers=key(HVO))
        assert raised.status_code == 200, raised.text
        assert raised.json()["capacity"] == 22 and raised.json()["free"] == 22
        other_shelter = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 1}, headers=key("leger-des-heils-amsterdam"))
        missing = await client.patch("/v1/facilities/nowhere", json={"capacity": 1}, headers=key("leger-des-heils-amsterdam"))
        ggd = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 1}, headers=key(GGD))
        negative = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": -1}, headers=key(HVO))

        await full_except(runtime, {UNITS: 17})  # 5 of 22 occupied
        too_low = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 4}, headers=key(HVO))
        just_enough = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 5}, headers=key(HVO))

    assert other_shelter.status_code == missing.status_code == 404 and refusal(other_shelter) == refusal(missing)
    assert ggd.status_code == 403
    assert negative.status_code == 400 and negative.json()["invalid-params"][0]["loc"] == ["body", "capacity"]
    assert too_low.status_code == 409, too_low.text
    [problem] = too_low.json()["invalid-params"]
    assert problem["loc"] == ["body", "capacity"] and "5 units occupied" in problem["reason"]
    assert just_enough.status_code == 200 and just_enough.json()["free"] == 0


async def test_ggd_requests_a_place_over_http_and_gets_the_same_matching_as_triage(app, bus):
    async with running(app) as client:
        request = await post_request(client)
        [offered] = await published(bus, event_types.PLACEMENT_OFFERED, request["id"])
        by_shelter = await client.get(f"/v1/requests/{request['id']}", headers=key(HVO))
        by_other_shelter = await client.get(f"/v1/requests/{request['id']}", headers=key("leger-des-heils-amsterdam"))
        by_other_ggd = await client.get(f"/v1/requests/{request['id']}", headers=key("ggd-utrecht"))
        by_shelter_post = await client.post("/v1/requests", json=FAMILY, headers=key(HVO))

    assert request["status"] == "offered" and request["facility_id"] == UNITS
    assert request["case_key"].startswith("pr-") and request["requested_by"] == GGD
    assert request["centre"] == "0363" and request["out_of_region"] is False
    assert offered.subject == request["case_key"] and offered.data.recipient == HVO
    assert offered.data.facility == "De Roggeveen (gezinsunits)"
    assert by_shelter.status_code == 200 and by_shelter.json()["alternatives"] == []
    assert by_other_shelter.status_code == by_other_ggd.status_code == 404
    assert by_shelter_post.status_code == 403


async def test_a_request_from_a_triage_case_joins_that_case_once(app, bus, runtime, clock):
    async with running(app) as client:
        case_key = await assessed_case(bus, runtime, "0363", clock.now())  # placement knows the case's region
        request = await post_request(client, case_key=case_key)
        again = await client.post("/v1/requests", json={**FAMILY, "case_key": case_key}, headers=key(GGD))
        await published(bus, event_types.PLACEMENT_OFFERED, request["id"])
    assert request["case_key"] == case_key
    assert again.status_code == 409 and again.json()["invalid-params"][0]["loc"] == ["body", "case_key"]
    assert {e.subject for e in events(bus)} == {case_key}


@pytest.mark.parametrize(
    "field, value",
    [
        ("children_ages", [4, 19]),
        ("adults", 0),
        ("family_type", "three_parent"),
        ("need", "luxury"),
        ("municipality_code", "363"),
        ("case_key", "1234567890123456"),
    ],
)
async def test_bad_request_fields_are_named(app, field, value):
    async with running(app) as client:
        response = await client.post("/v1/requests", json={**FAMILY, field: value}, headers=key(GGD))
    assert response.status_code == 400
    assert field in response.json()["invalid-params"][0]["loc"]


async def test_a_family_from_outside_the_region_is_flagged_not_refused(app, runtime, bus):
    async with running(app) as client:
        offered = await post_request(client, municipality_code="0599")  # a Rotterdam family at GGD Amsterdam
        await full_except(runtime)
        waiting = await post_request(client, municipality_code="0599")
        [event] = await published(bus, event_types.PLACEMENT_OFFERED, offered["id"])
        [waitlisted] = await published(bus, event_types.PLACEMENT_WAITLISTED, waiting["id"])
    assert offered["status"] == "offered" and offered["out_of_region"] is True and event.data.out_of_region
    assert waiting["status"] == "waitlisted" and waiting["out_of_region"] is True and waitlisted.data.out_of_region
    assert waiting["centre"] == "0363" and waiting["waitlist_position"] == 1


async def test_the_waiting_list_orders_by_minors_crisis_and_days_and_shows_positions(app, runtime, clock, bus):
    async with running(app) as client:
        await full_except(runtime)
        planned = await post_request(client, need="family")  # minors, no crisis, waits longest
        clock.advance(days=1)
        adults_only = await post_request(client, children_ages=[])  # crisis, but no minors
        clock.advance(days=1)
        crisis = await post_request(client)  # minors and crisis
        positions = {
            name: (await client.get(f"/v1/requests/{r['id']}", headers=key(GGD))).json()["waitlist_position"]
            for name, r in (("planned", planned), ("adults_only", adults_only), ("crisis", crisis))
        }
        ggd_list = (await client.get("/v1/waitlist", headers=key(GGD))).json()
        shelter_list = (await client.get("/v1/waitlist", headers=key(HVO))).json()
        other_centre = (await client.get("/v1/waitlist", headers=key("zienn"))).json()
        other_ggd = (await client.get("/v1/waitlist", headers=key("ggd-utrecht"))).json()
        not_routed = await client.get(f"/v1/requests/{planned['id']}", headers=key(HVO))

        raised = await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 21}, headers=key(HVO))
        assert raised.status_code == 200, raised.text
        [offer] = await published(bus, event_types.PLACEMENT_OFFERED, crisis["id"])
        after = {
            r["id"]: (await client.get(f"/v1/requests/{r['id']}", headers=key(GGD))).json()
            for r in (planned, adults_only, crisis)
        }

    assert positions == {"crisis": 1, "planned": 2, "adults_only": 3}
    assert [e["request_id"] for e in ggd_list] == [crisis["id"], planned["id"], adults_only["id"]]
    assert [e["position"] for e in ggd_list] == [1, 2, 3]
    assert ggd_list[1]["days_waiting"] == 2 and ggd_list[1]["minors_present"] is True
    assert [e["request_id"] for e in shelter_list] == [e["request_id"] for e in ggd_list]
    assert other_centre == [] and other_ggd == []
    assert not_routed.status_code == 404, "a waitlisted family is not routed to any shelter"
    assert offer.data.recipient == HVO and offer.data.facility == "De Roggeveen (gezinsunits)"
    assert after[crisis["id"]]["status"] == "offered" and after[crisis["id"]]["waitlist_position"] is None
    assert after[planned["id"]]["waitlist_position"] == 1 and after[adults_only["id"]]["waitlist_position"] == 2


async def test_an_alternative_keeps_the_family_on_the_list_and_counts_as_an_update(app, runtime, clock, bus):
    async with running(app) as client:
        await full_except(runtime)
        request = await post_request(client)
        clock.advance(days=3)
        body = {"kind": "hotel", "note": "hotel room paid by the municipality, two nights"}
        recorded = await client.post(f"/v1/requests/{request['id']}/alternative", json=body, headers=key(GGD))
        other_ggd = await client.post(f"/v1/requests/{request['id']}/alternative", json=body, headers=key("ggd-utrecht"))
        shelter = await client.post(f"/v1/requests/{request['id']}/alternative", json=body, headers=key(HVO))
        bad_kind = await client.post(f"/v1/requests/{request['id']}/alternative", json={"kind": "tent"}, headers=key(GGD))
        [_, with_alternative] = await published(bus, event_types.PLACEMENT_WAITLISTED, request["id"], count=2)

        await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": 21}, headers=key(HVO))
        not_waiting = await client.post(f"/v1/requests/{request['id']}/alternative", json=body, headers=key(GGD))

    assert recorded.status_code == 201, recorded.text
    view = recorded.json()
    assert view["status"] == "waitlisted" and view["waitlist_position"] == 1
    assert view["last_update_at"].startswith(clock.now().date().isoformat()) and view["days_waiting"] == 3
    assert [(a["kind"], a["recorded_by"]) for a in view["alternatives"]] == [("hotel", GGD)]
    assert with_alternative.data.alternative == "hotel" and with_alternative.data.recipient == GGD
    assert "two nights" not in with_alternative.envelope.model_dump_json(), "the note stays in placement"
    assert other_ggd.status_code == 404 and shelter.status_code == 403
    assert bad_kind.status_code == 400 and bad_kind.json()["invalid-params"][0]["loc"] == ["body", "kind"]
    assert not_waiting.status_code == 409 and not_waiting.json()["invalid-params"][0]["loc"] == ["request", "status"]


async def test_lost_from_view_fires_once_per_silence_and_again_after_an_update(app, runtime, clock, bus):
    async with running(app) as client:
        await full_except(runtime)
        request = await post_request(client)

        clock.advance(days=13, hours=23)
        assert await check_lost_from_view(runtime, clock.now()) == 0
        clock.advance(days=1, hours=1)
        assert await check_lost_from_view(runtime, clock.now()) == 1
        [alert] = await published(bus, event_types.PLACEMENT_LOST_FROM_VIEW, request["id"])
        clock.advance(days=30)
        assert await check_lost_from_view(runtime, clock.now()) == 0, "one alert per silence"
        seen = (await client.get("/v1/waitlist", headers=key(GGD))).json()

        await client.post(f"/v1/requests/{request['id']}/alternative", json={"kind": "with_relatives"}, headers=key(GGD))
        clock.advance(days=14)
        assert await check_lost_from_view(runtime, clock.now()) == 1
        [_, second] = await published(bus, event_types.PLACEMENT_LOST_FROM_VIEW, request["id"], count=2)

    assert alert.data.recipient == GGD and alert.data.days_without_update == 15
    assert alert.subject == request["case_key"] and alert.data.last_alternative is None
    assert seen[0]["lost_from_view"] is True
    assert second.data.days_without_update == 14 and second.data.last_alternative == "with_relatives"


async def test_the_timer_worker_runs_the_lost_from_view_rule_on_the_clock(tmp_path, bus, clock):
    runtime = make_runtime(tmp_path, bus, clock, timer_interval_seconds=0.05, lost_from_view_days=3)
    app = create_app(runtime)
    async with running(app) as client:
        await full_except(runtime)
        request = await post_request(client)
        clock.advance(days=3)
        [alert] = await published(bus, event_types.PLACEMENT_LOST_FROM_VIEW, request["id"])
    assert alert.data.days_without_update == 3


async def test_outflow_frees_the_unit_and_the_first_waiting_family_is_offered_it(app, runtime, bus):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        placed = await post_request(client)
        confirmed = await client.post(f"/v1/requests/{placed['id']}/confirm", headers=key(HVO))
        assert confirmed.status_code == 200, confirmed.text
        waiting = await post_request(client)
        assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1

        other_shelter = await client.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "omklap"}, headers=key("zienn"))
        bad_outflow = await client.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "moved"}, headers=key(HVO))
        ended = await client.post(
            f"/v1/requests/{placed['id']}/end", json={"outflow": "contingent_dwelling"}, headers=key(HVO)
        )
        again = await client.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "unknown"}, headers=key(HVO))
        end_waiting = await client.post(f"/v1/requests/{waiting['id']}/end", json={"outflow": "unknown"}, headers=key(HVO))
        [ended_event] = await published(bus, event_types.PLACEMENT_ENDED, placed["id"])
        [offer] = await published(bus, event_types.PLACEMENT_OFFERED, waiting["id"])
        units = [f for f in (await client.get("/v1/facilities", headers=key(GGD))).json() if f["id"] == UNITS][0]

    assert other_shelter.status_code == 404
    assert bad_outflow.status_code == 400 and bad_outflow.json()["invalid-params"][0]["loc"] == ["body", "outflow"]
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended" and ended.json()["outflow"] == "contingent_dwelling"
    assert again.status_code == 409 and end_waiting.status_code == 409
    assert ended_event.data.recipient == GGD and ended_event.data.outflow == "contingent_dwelling"
    assert ended_event.data.shelter == HVO and ended_event.data.facility == "De Roggeveen (gezinsunits)"
    assert offer.data.recipient == HVO
    assert (units["occupied"], units["offered"], units["free"]) == (19, 1, 0)


async def test_a_shelter_sees_only_requests_routed_to_it_and_ggd_only_its_own(app, bus):
    async with running(app) as client:
        amsterdam = await post_request(client)
        utrecht = await post_request(client, "ggd-utrecht", family_type="one_parent", adults=1, municipality_code="0344")
        hvo = (await client.get("/v1/requests", headers=key(HVO))).json()
        tussenvoorziening = (await client.get("/v1/requests", headers=key("tussenvoorziening"))).json()
        leger = (await client.get("/v1/requests", headers=key("leger-des-heils-amsterdam"))).json()
        ggd = (await client.get("/v1/requests", headers=key(GGD))).json()
        ggd_offered = (await client.get("/v1/requests", params={"status": "offered"}, headers=key(GGD))).json()
        municipality = await client.get("/v1/requests", headers=key("gemeente-amsterdam"))
        declined = await client.post(
            f"/v1/requests/{amsterdam['id']}/decline", json={"reason": "family needs a ground-floor unit"}, headers=key(HVO)
        )
        [declined_event] = await published(bus, event_types.PLACEMENT_DECLINED, amsterdam["id"])
    assert [r["id"] for r in hvo] == [amsterdam["id"]]
    assert [r["id"] for r in tussenvoorziening] == [utrecht["id"]]
    assert leger == []
    assert [r["id"] for r in ggd] == [r["id"] for r in ggd_offered] == [amsterdam["id"]]
    assert municipality.status_code == 403
    assert declined.status_code == 200 and declined.json()["facility_id"] is None, "where it went next is not the decliner's business"
    assert declined_event.data.recipient == GGD


async def test_a_confirmation_without_a_unit_left_puts_the_family_back_on_the_list(app, runtime, bus):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        request = await post_request(client)
        occupied = [f for f in (await client.get("/v1/facilities", headers=key(HVO))).json() if f["id"] == UNITS][0]["occupied"]
        await client.patch(f"/v1/facilities/{UNITS}", json={"capacity": occupied}, headers=key(HVO))
        refused = await client.post(f"/v1/requests/{request['id']}/confirm", headers=key(HVO))
        [_] = await published(bus, event_types.PLACEMENT_WAITLISTED, request["id"])
        view = (await client.get(f"/v1/requests/{request['id']}", headers=key(GGD))).json()
    assert refused.status_code == 409
    assert view["status"] == "waitlisted" and view["waitlist_position"] == 1


async def test_a_request_from_triage_on_the_bus_takes_the_same_path_onto_the_list(app, runtime, bus, clock):
    data = PlacementRequested(
        request_id=uuid.uuid4(), requested_by=GGD, adults=1, children_ages=[0, 4], family_type=FamilyType.ONE_PARENT,
        need=PlacementNeed.CRISIS, municipality_code="0363", reason="family_evicted",
    )
    case_key = "hh-" + uuid.uuid4().hex
    event = new_event(data, source="urn:nld:oin:00000099000000000001:systeem:signaalketen-triage", subject=case_key, time=clock.now())
    async with running(app) as client:
        await full_except(runtime)
        await bus.publish([OutgoingRecord("placement-requests", case_key, encode(event))])
        [waitlisted] = await published(bus, event_types.PLACEMENT_WAITLISTED, str(data.request_id))
        view = (await client.get(f"/v1/requests/{data.request_id}", headers=key(GGD))).json()
    assert waitlisted.subject == case_key and waitlisted.data.recipient == GGD
    assert view["status"] == "waitlisted" and view["centre"] == "0363" and view["waitlist_position"] == 1


async def test_a_request_made_over_http_is_published_for_the_record_and_taken_once(app, bus):
    async with running(app) as client:
        request = await post_request(client)
        await published(bus, event_types.PLACEMENT_OFFERED, request["id"])

        async def recorded():
            return [decode(r.value) for r in bus.records("placement-requests")]

        [requested] = await wait_for(recorded, what="placement.requested on its topic")

        async def consumed_own_record():
            lag = await bus.lag()
            return lag and all(value == 0 for value in lag.values())

        await wait_for(consumed_own_record, what="the service's consumer to take its own record")
        listed = (await client.get("/v1/requests", headers=key(GGD))).json()
    assert requested.subject == request["case_key"] and requested.data.requested_by == GGD
    assert [r["id"] for r in listed] == [request["id"]], "consuming its own record created no second request"
    assert len(events(bus, event_types.PLACEMENT_OFFERED, request["id"])) == 1
