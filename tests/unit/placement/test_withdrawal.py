"""Triage withdraws a shelter request when the eviction was reversed: placement takes the
family off the list (the others move up), releases an offered unit, and never undoes a
placement (too late: recorded and told to the shelter and GGD)."""

from __future__ import annotations

import uuid

import pytest

from shared.contracts import event_types
from shared.contracts.events.placement import WithdrawalOutcome
from shared.contracts.events.triage import WithdrawalReason
from services.placement.domain.withdrawal import withdrawal_outcome
from tests.support.apps import key, running
from services.placement.app import create_app
from tests.support.placement import GGD, HVO, UNITS, FromTriage, events, full_except, make_runtime, published

@pytest.fixture
def runtime(tmp_path, bus, clock):
    return make_runtime(tmp_path, bus, clock)


@pytest.fixture
def app(runtime):
    return create_app(runtime)


@pytest.fixture
def triage(bus, clock):
    return FromTriage(bus, clock)


async def view(client, request_id: str) -> dict:
    return (await client.get(f"/v1/requests/{request_id}", headers=key(GGD))).json()


async def units(client) -> dict:
    [facility] = [f for f in (await client.get("/v1/facilities", headers=key(GGD))).json() if f["id"] == UNITS]
    return facility


def test_what_a_withdrawal_means_in_each_status():
    assert withdrawal_outcome("waitlisted") is WithdrawalOutcome.WITHDRAWN
    assert withdrawal_outcome("offered") is WithdrawalOutcome.WITHDRAWN
    assert withdrawal_outcome("placed") is WithdrawalOutcome.TOO_LATE
    assert withdrawal_outcome("ended") is None and withdrawal_outcome("withdrawn") is None


async def test_a_waitlisted_family_withdrawn_leaves_the_list_and_the_next_moves_up(app, runtime, bus, triage):
    async with running(app) as client:
        await full_except(runtime)
        first = await triage.request()
        await published(bus, event_types.PLACEMENT_WAITLISTED, first)
        triage.clock.advance(minutes=5)  # the second family waits less long
        second = await triage.request()
        await published(bus, event_types.PLACEMENT_WAITLISTED, second)
        assert (await view(client, second))["waitlist_position"] == 2

        await triage.withdraw(first)
        [handled] = await published(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, first)
        withdrawn, next_in_line = await view(client, first), await view(client, second)
        waitlist = (await client.get("/v1/waitlist", headers=key(GGD))).json()

    assert handled.data.outcome is WithdrawalOutcome.WITHDRAWN and handled.data.status_before == "waitlisted"
    assert handled.data.recipient == GGD and handled.data.also_notify == [] and handled.data.shelter is None
    assert handled.data.reason == "eviction_cancelled" and handled.subject == triage.case_keys[uuid.UUID(first)]
    assert withdrawn["status"] == "withdrawn" and withdrawn["waitlist_position"] is None
    assert next_in_line["waitlist_position"] == 1
    assert [entry["request_id"] for entry in waitlist] == [second]


async def test_an_offered_unit_goes_back_to_capacity_when_the_request_is_withdrawn(app, runtime, bus, triage):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        request = await triage.request()
        [offer] = await published(bus, event_types.PLACEMENT_OFFERED, request)
        assert offer.data.facility and (await units(client))["free"] == 0

        await triage.withdraw(request, WithdrawalReason.PAID_AT_DOOR)
        [handled] = await published(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, request)
        facility, withdrawn = await units(client), await view(client, request)
        confirm = await client.post(f"/v1/requests/{request}/confirm", headers=key(HVO))

    assert handled.data.outcome is WithdrawalOutcome.WITHDRAWN and handled.data.status_before == "offered"
    assert handled.data.shelter == HVO and handled.data.also_notify == [HVO], "the shelter that held the offer is told"
    assert handled.data.reason == "paid_at_door"
    assert facility["free"] == 1 and facility["offered"] == 0
    assert withdrawn["status"] == "withdrawn"
    assert confirm.status_code == 409, "a withdrawn offer cannot be confirmed"


async def test_the_released_unit_is_offered_to_the_next_family_waiting(app, runtime, bus, triage):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        offered = await triage.request()
        await published(bus, event_types.PLACEMENT_OFFERED, offered)
        waiting = await triage.request()
        await published(bus, event_types.PLACEMENT_WAITLISTED, waiting)

        await triage.withdraw(offered)
        [offer] = await published(bus, event_types.PLACEMENT_OFFERED, waiting)
        assert (await view(client, waiting))["status"] == "offered"
    assert offer.data.facility


async def test_a_placed_family_stays_placed_and_the_shelter_hears_the_withdrawal_came_too_late(app, runtime, bus, triage):
    async with running(app) as client:
        await full_except(runtime, {UNITS: 1})
        request = await triage.request()
        await published(bus, event_types.PLACEMENT_OFFERED, request)
        confirmed = await client.post(f"/v1/requests/{request}/confirm", headers=key(HVO))
        assert confirmed.status_code == 200, confirmed.text
        occupied = (await units(client))["occupied"]

        await triage.withdraw(request)
        [handled] = await published(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, request)
        placed, facility = await view(client, request), await units(client)

        await triage.withdraw(request)  # a second withdrawal (another reversing signal): nothing new
        later = await triage.request()
        await published(bus, event_types.PLACEMENT_WAITLISTED, later)

    assert handled.data.outcome is WithdrawalOutcome.TOO_LATE and handled.data.status_before == "placed"
    assert handled.data.recipient == GGD and handled.data.also_notify == [HVO] and handled.data.facility
    assert placed["status"] == "placed" and facility["occupied"] == occupied
    assert len(events(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, request)) == 1
