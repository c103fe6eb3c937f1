"""A reversed eviction withdraws the shelter request triage made for it: once, with the
request id and the reason, on the requests' topic keyed by the case."""

from __future__ import annotations

import uuid

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.placement import PlacementWithdrawalHandled, WithdrawalOutcome
from shared.contracts.events.triage import WithdrawalReason
from services.triage.domain.placement import starts_new_story, withdrawal_reason
from services.triage.tables import PlacementAskRecord
from tests.support.triage import LEEUWARDEN_FAMILY

PLACEMENT = "urn:nld:oin:00000099000000000001:systeem:signaalketen-placement"


def test_only_an_eviction_that_did_not_happen_withdraws_the_request():
    assert withdrawal_reason("eviction.cancelled", None) is WithdrawalReason.EVICTION_CANCELLED
    assert withdrawal_reason("eviction.executed", "paid_at_door") is WithdrawalReason.PAID_AT_DOOR
    assert withdrawal_reason("eviction.executed", "not_executed") is WithdrawalReason.NOT_EXECUTED
    assert withdrawal_reason("eviction.executed", "evicted") is None
    assert withdrawal_reason("eviction.executed", "left_unknown_destination") is None
    assert withdrawal_reason("arrears.resolved", None) is None, "arrears paid after an eviction give no home back"


async def family_found(triage) -> object:
    await triage.signal("eviction.family-found", LEEUWARDEN_FAMILY, by="deurwaarder-noord", adults=2, children_ages=[4, 9])
    [request] = triage.events("placement-requests", event_types.PLACEMENT_REQUESTED)
    return request


async def test_a_cancelled_eviction_withdraws_the_open_request_once(triage):
    request = await family_found(triage)
    cancelled = await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="woonfriesland", reason="reversed")

    [withdrawn] = triage.events("placement-requests", event_types.PLACEMENT_WITHDRAWN)
    assert withdrawn.subject == request.subject == triage.case_key(LEEUWARDEN_FAMILY)
    assert withdrawn.data.request_id == request.data.request_id and str(withdrawn.data.signal_id) == cancelled
    assert withdrawn.data.reason is WithdrawalReason.EVICTION_CANCELLED
    assert withdrawn.data.requested_by == request.data.requested_by and withdrawn.data.municipality_code == "0080"

    await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="deurwaarder-noord")
    assert len(triage.events("placement-requests", event_types.PLACEMENT_WITHDRAWN)) == 1, "withdrawn once"


async def test_paid_at_the_door_withdraws_and_an_eviction_carried_out_does_not(triage):
    request = await family_found(triage)
    await triage.signal("eviction.executed", LEEUWARDEN_FAMILY, by="deurwaarder-noord", outcome="evicted")
    assert triage.events("placement-requests", event_types.PLACEMENT_WITHDRAWN) == []

    await triage.signal("eviction.executed", LEEUWARDEN_FAMILY, by="deurwaarder-noord", outcome="paid_at_door")
    [withdrawn] = triage.events("placement-requests", event_types.PLACEMENT_WITHDRAWN)
    assert withdrawn.data.request_id == request.data.request_id and withdrawn.data.reason is WithdrawalReason.PAID_AT_DOOR


async def test_no_request_no_withdrawal(triage):
    await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="woonfriesland")
    assert triage.events("placement-requests") == []


async def test_placement_answering_too_late_is_noted_on_the_case(triage):
    request = await family_found(triage)
    await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="woonfriesland")
    answer = PlacementWithdrawalHandled(
        request_id=request.data.request_id, recipient=request.data.requested_by, requested_by=request.data.requested_by,
        municipality_code="0080", outcome=WithdrawalOutcome.TOO_LATE, status_before="placed", reason="eviction_cancelled",
        shelter="zienn", facility="De Eikelaar", also_notify=["zienn"],
    )  # fmt: skip
    event = new_event(answer, source=PLACEMENT, subject=request.subject, time=triage.clock.now())
    await triage.bus.publish([OutgoingRecord("placement", request.subject, encode(event))])
    await triage.handled(event.id, "triage-placement")

    async with triage.runtime.sessions() as session:
        ask = await session.get(PlacementAskRecord, request.data.request_id)
    assert ask.withdrawal_reason == "eviction_cancelled" and ask.outcome == "too_late"
    response = await triage.client.get(
        f"/v1/cases/{request.subject}", params={"purpose": "test"}, headers={"X-API-Key": "dev-ggd-fryslan"}
    )
    assert response.status_code == 200, response.text
    [entry] = [e for e in response.json()["timeline"] if e["summary"].get("type") == "placement.withdrawal-handled"]
    assert entry["summary"]["outcome"] == "too_late" and "too late" in entry["summary"]["reason"]
    assert uuid.UUID(entry["summary"]["request_id"]) == request.data.request_id


def test_a_new_story_at_the_dwelling_ends_the_reach_of_a_reversal():
    assert starts_new_story("arrears.reported") and starts_new_story("eviction.scheduled")
    assert starts_new_story("eviction.verdict-issued")
    assert not starts_new_story("eviction.cancelled") and not starts_new_story("eviction.executed")


async def test_a_cancellation_of_a_later_eviction_leaves_the_earlier_request_alone(triage):
    await family_found(triage)
    triage.clock.advance(days=40)
    await triage.signal("eviction.scheduled", LEEUWARDEN_FAMILY, by="deurwaarder-noord", eviction_date="2027-06-01")
    await triage.signal("eviction.cancelled", LEEUWARDEN_FAMILY, by="woonfriesland")
    assert triage.events("placement-requests", event_types.PLACEMENT_WITHDRAWN) == []
