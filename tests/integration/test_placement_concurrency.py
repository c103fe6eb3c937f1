"""Two requests can never get the last unit: concurrent confirmations on real PostgreSQL.

An open offer holds a unit, so eight offers for one facility exist only when the
shelter lowered its capacity after offering (or replicas raced); the conditional
UPDATE at confirmation is what guarantees one family per unit in every case."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.envelope import new_event
from shared.contracts.events.placement import Outflow
from shared.contracts.events.triage import FamilyType, PlacementNeed, PlacementRequested
from shared.errors import Conflict
from shared.persistence.database import create_tables
from shared.runtime import build_runtime
from services.placement.facilities import seed_facilities, update_capacity
from services.placement.handlers import on_requested
from services.placement.in_view import end
from services.placement.settings import PlacementSettings
from services.placement.shelter_answers import confirm as confirm_offer
from services.placement.tables import METADATA, Facility, PlacementRequest

pytestmark = pytest.mark.postgres
PARALLEL = 8
UNITS = "roggeveen-two-parent"


async def _placement(new_database, free_units: int):
    runtime = build_runtime(PlacementSettings(database_url=new_database("placement")), bus=InMemoryBus(), clock=FakeClock())
    await create_tables(runtime.engine, METADATA)
    await seed_facilities(runtime, runtime.settings.seed_file)
    async with runtime.sessions() as session, session.begin():
        for facility in (await session.exec(select(Facility))).all():
            facility.occupied = facility.capacity  # everything full ...
            if facility.id == UNITS:
                facility.occupied = facility.capacity - free_units  # ... but these two-parent units
            session.add(facility)
    return runtime


async def _request(runtime) -> uuid.UUID:
    data = PlacementRequested(
        request_id=uuid.uuid4(), requested_by="ggd-amsterdam-vangnet", adults=2, children_ages=[4, 9],
        family_type=FamilyType.TWO_PARENT, need=PlacementNeed.CRISIS, municipality_code="0363", reason="family_evicted",
    )
    event = new_event(data, source=runtime.settings.source_urn, subject=f"hh-{uuid.uuid4().hex[:16]}", time=datetime.now(UTC))
    async with runtime.sessions() as session, session.begin():
        await on_requested(runtime, session, event)
    return data.request_id


async def _statuses(runtime) -> list[str]:
    async with runtime.sessions() as session:
        return [r.status for r in (await session.exec(select(PlacementRequest))).all()]


async def test_parallel_confirmations_for_one_free_unit_place_exactly_one_family(new_database):
    runtime = await _placement(new_database, free_units=PARALLEL)
    request_ids = [await _request(runtime) for _ in range(PARALLEL)]
    assert await _statuses(runtime) == ["offered"] * PARALLEL
    async with runtime.sessions() as session:
        unit = await session.get(Facility, UNITS)
    await update_capacity(runtime, UNITS, "hvo-querido", unit.occupied + 1)  # the shelter loses seven units

    async def confirm(request_id):
        try:
            await confirm_offer(runtime, request_id, "hvo-querido")
            return "placed"
        except Conflict:
            return "refused"

    outcomes = await asyncio.gather(*(confirm(request_id) for request_id in request_ids))
    assert outcomes.count("placed") == 1 and outcomes.count("refused") == PARALLEL - 1
    async with runtime.sessions() as session:
        unit = await session.get(Facility, UNITS)
    assert unit.occupied == unit.capacity
    statuses = await _statuses(runtime)
    assert statuses.count("placed") == 1
    assert statuses.count("waitlisted") == PARALLEL - 1, "a family refused for lack of a unit goes back on the list"
    await runtime.engine.dispose()


async def test_parallel_outflows_offer_each_freed_unit_to_one_waiting_family(new_database):
    runtime = await _placement(new_database, free_units=2)
    placed = [await _request(runtime) for _ in range(2)]
    for request_id in placed:
        await confirm_offer(runtime, request_id, "hvo-querido")
    waiting = [await _request(runtime) for _ in range(5)]
    assert (await _statuses(runtime)).count("waitlisted") == 5

    await asyncio.gather(*(end(runtime, request_id, "hvo-querido", Outflow.OMKLAP) for request_id in placed))

    async with runtime.sessions() as session:
        unit = await session.get(Facility, UNITS)
        offered = (await session.exec(select(PlacementRequest).where(PlacementRequest.status == "offered"))).all()
    assert unit.occupied == unit.capacity - 2
    assert len(offered) == 2 and {r.id for r in offered} <= set(waiting), "two units freed, two offers, never one family twice"
    await runtime.engine.dispose()


async def test_capacity_cannot_be_lowered_below_occupied_while_confirmations_race(new_database):
    runtime = await _placement(new_database, free_units=3)
    request_ids = [await _request(runtime) for _ in range(3)]
    async with runtime.sessions() as session:
        occupied_before = (await session.get(Facility, UNITS)).occupied

    async def lower():
        try:
            await update_capacity(runtime, UNITS, "hvo-querido", occupied_before)
            return "lowered"
        except Conflict:
            return "refused"

    async def confirm(request_id):
        try:
            await confirm_offer(runtime, request_id, "hvo-querido")
            return "placed"
        except Conflict:
            return "refused"

    await asyncio.gather(lower(), *(confirm(r) for r in request_ids))
    async with runtime.sessions() as session:
        unit = await session.get(Facility, UNITS)
    assert unit.occupied <= unit.capacity
    await runtime.engine.dispose()
