"""A placement event about a request that was not made for the case's region changes
nothing on the case (issue 11): GGD Fryslân naming an Amsterdam case key does not hand
the Amsterdam case's lead to a shelter, nor write on its timeline."""

from __future__ import annotations

import uuid

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.placement import PlacementConfirmed
from services.triage.tables import HouseholdCase
from tests.support.triage import AMSTERDAM_FAMILY

PLACEMENT = "urn:nld:oin:00000099000000000001:systeem:signaalketen-placement"


async def confirm(triage, case_key: str, request_id: uuid.UUID, requested_by: str, shelter: str) -> None:
    data = PlacementConfirmed(
        request_id=request_id, recipient=requested_by, requested_by=requested_by, municipality_code="0363",
        shelter=shelter, facility="a facility", unit_type="family_two_parent", case_lead=shelter,
    )  # fmt: skip
    event = new_event(data, source=PLACEMENT, subject=case_key, time=triage.clock.now())
    await triage.bus.publish([OutgoingRecord("placement", case_key, encode(event))])
    await triage.handled(event.id, "triage-placement")


async def case_of(triage, case_key: str) -> HouseholdCase:
    async with triage.runtime.sessions() as session:
        return await session.get(HouseholdCase, case_key)


async def timeline(triage, case_key: str) -> list[dict]:
    response = await triage.client.get(
        f"/v1/cases/{case_key}", params={"purpose": "test"}, headers={"X-API-Key": "dev-ggd-amsterdam-vangnet"}
    )
    assert response.status_code == 200, response.text
    return response.json()["timeline"]


async def test_a_confirmation_of_another_regions_request_leaves_the_case_alone(triage):
    await triage.signal("eviction.family-found", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", adults=2, children_ages=[4, 9])
    [asked] = triage.events("placement-requests", event_types.PLACEMENT_REQUESTED)
    case_key = asked.subject
    lead_before = (await case_of(triage, case_key)).case_lead

    await confirm(triage, case_key, uuid.uuid4(), "ggd-fryslan", "zienn")
    after_foreign = await case_of(triage, case_key)
    assert after_foreign.case_lead == lead_before and after_foreign.state != "placed"
    assert not any(e["summary"].get("type") == "placement.confirmed" for e in await timeline(triage, case_key))

    await confirm(triage, case_key, asked.data.request_id, asked.data.requested_by, "hvo-querido")
    placed = await case_of(triage, case_key)
    assert placed.case_lead == "hvo-querido" and placed.state == "placed"


async def test_a_request_a_ggd_of_the_region_made_itself_may_move_the_lead(triage):
    await triage.signal("eviction.scheduled", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", eviction_date="2027-01-15")
    case_key = triage.case_key(AMSTERDAM_FAMILY)
    await confirm(triage, case_key, uuid.uuid4(), "ggd-amsterdam-vangnet", "hvo-querido")
    assert (await case_of(triage, case_key)).case_lead == "hvo-querido"
