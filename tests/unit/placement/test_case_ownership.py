"""A GGD may name only a case of its own region in a placement request (issue 11).

GGD Fryslân posting an Amsterdam case key gets the same 404 as for a case that does not
exist, and nothing is created or published; whether the case already has an open
request is said only to a GGD of its region."""

from __future__ import annotations

import uuid

from tests.support.apps import key, running
from tests.support.triage_cases import assessed_case
from tests.support.placement import FAMILY, events
from tests.support.problems import refusal


async def test_another_regions_case_is_not_found_and_nothing_happens(app, bus, runtime, clock):
    async with running(app) as client:
        amsterdam_case = await assessed_case(bus, runtime, "0363", clock.now())
        foreign = await client.post("/v1/requests", json={**FAMILY, "case_key": amsterdam_case}, headers=key("ggd-fryslan"))
        unknown = await client.post(
            "/v1/requests", json={**FAMILY, "case_key": "hh-" + uuid.uuid4().hex}, headers=key("ggd-amsterdam-vangnet")
        )
        listed = (await client.get("/v1/requests", headers=key("ggd-fryslan"))).json()
    assert foreign.status_code == unknown.status_code == 404
    assert refusal(foreign) == refusal(unknown) and foreign.json()["detail"] == "no such case"
    assert listed == [] and events(bus) == []


async def test_an_open_request_is_told_only_to_the_cases_own_region(app, bus, runtime, clock):
    async with running(app) as client:
        case = await assessed_case(bus, runtime, "0363", clock.now())
        first = await client.post("/v1/requests", json={**FAMILY, "case_key": case}, headers=key("ggd-amsterdam-vangnet"))
        stranger = await client.post("/v1/requests", json={**FAMILY, "case_key": case}, headers=key("ggd-utrecht"))
        own_region = await client.post("/v1/requests", json={**FAMILY, "case_key": case}, headers=key("ggd-amsterdam-vangnet"))
    assert first.status_code == 201, first.text
    assert stranger.status_code == 404 and stranger.json()["detail"] == "no such case"
    assert own_region.status_code == 409 and own_region.json()["invalid-params"][0]["loc"] == ["body", "case_key"]


async def test_a_family_from_elsewhere_without_a_case_key_is_still_helped(app):
    async with running(app) as client:
        response = await client.post("/v1/requests", json={**FAMILY, "municipality_code": "0363"}, headers=key("ggd-fryslan"))
    assert response.status_code == 201 and response.json()["case_key"].startswith("pr-")
