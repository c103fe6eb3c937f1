"""Why the family has no home and who referred it (recommendation F): codes on the request,
shown to the shelter and the GGD, published on `placement.requested` for the monitor.
Clients written before the fields existed keep working with defaults."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shared.contracts import event_types
from shared.contracts.envelope import decode
from tests.support.apps import key, running
from tests.support.placement import FAMILY, GGD, FromTriage, post_request, published
from tests.support.triage_cases import assessed_case


def requested_events(bus, request_id: str) -> list:
    found = [decode(record.value) for record in bus.records("placement-requests")]
    return [e for e in found if e.type == event_types.PLACEMENT_REQUESTED and str(e.data.request_id) == request_id]


async def test_a_ggd_names_the_cause_and_the_referral_source_and_the_shelter_sees_them(app, bus, runtime):
    async with running(app) as client:
        request = await post_request(client, cause="domestic_violence", referral_source="womens_shelter", family_type="one_parent", adults=1)
        facilities = {f["id"]: f["shelter"] for f in (await client.get("/v1/facilities", headers=key(GGD))).json()}
        shelter = facilities[request["facility_id"]]
        seen_by_shelter = (await client.get(f"/v1/requests/{request['id']}", headers=key(shelter))).json()
        [requested] = requested_events(bus, request["id"])
    async with runtime.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT cause, referral_source FROM placement_request"))).one()
    assert (request["cause"], request["referral_source"]) == ("domestic_violence", "womens_shelter")
    assert (seen_by_shelter["cause"], seen_by_shelter["referral_source"]) == ("domestic_violence", "womens_shelter")
    assert (requested.data.cause, requested.data.referral_source) == ("domestic_violence", "womens_shelter")
    assert tuple(stored) == ("domestic_violence", "womens_shelter")


async def test_old_clients_get_eviction_for_a_request_from_an_eviction_alert_and_other_without_one(app, bus, runtime, clock):
    triage = FromTriage(bus, clock)
    async with running(app) as client:
        case_key = await assessed_case(bus, runtime, "0363", clock.now())
        from_alert = await post_request(client, case_key=case_key)  # the portal's form, opened from an alert
        evicted = await post_request(client, reason="family_evicted")
        unknown = await post_request(client)
        from_triage = await triage.request()  # written by a triage that knows no cause
        await published(bus, event_types.PLACEMENT_OFFERED, from_triage)
        by_triage = (await client.get(f"/v1/requests/{from_triage}", headers=key(GGD))).json()
    assert [r["cause"] for r in (from_alert, evicted, unknown, by_triage)] == ["eviction", "eviction", "other", "eviction"]
    assert {r["referral_source"] for r in (from_alert, evicted, unknown, by_triage)} == {"ggd"}


@pytest.mark.parametrize("field, value", [("cause", "fire"), ("referral_source", "my neighbour Jan"), ("cause", "")])
async def test_a_cause_or_referral_source_that_is_not_a_code_is_refused_naming_the_field(app, field, value):
    async with running(app) as client:
        response = await client.post("/v1/requests", json={**FAMILY, field: value}, headers=key(GGD))
        listed = (await client.get("/v1/requests", headers=key(GGD))).json()
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["loc"] == ["body", field]
    assert listed == [], "nothing was created"
