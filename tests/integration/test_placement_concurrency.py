"""Two requests can never get the last unit: concurrent confirmations on real PostgreSQL."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.contracts.envelope import new_event
from shared.contracts.events.triage import FamilyType, PlacementNeed, PlacementRequested
from shared.persistence.database import create_tables
from shared.runtime import build_runtime
from services.placement.settings import PlacementSettings
from services.placement.tables import METADATA, Facility, PlacementRequest
from services.placement.workflow import Conflict, PlacementWorkflow, seed_facilities

pytestmark = pytest.mark.postgres
PARALLEL = 8


async def test_parallel_confirmations_for_one_free_unit_place_exactly_one_family(new_database):
    runtime = build_runtime(PlacementSettings(database_url=new_database("placement")), bus=InMemoryBus(), clock=FakeClock())
    await create_tables(runtime.engine, METADATA)
    await seed_facilities(runtime, runtime.settings.seed_file)
    workflow = PlacementWorkflow(runtime)
    async with runtime.sessions() as session, session.begin():
        for facility in (await session.exec(select(Facility))).all():
            facility.occupied = facility.capacity  # everything full ...
            if facility.id == "roggeveen-two-parent":
                facility.occupied = facility.capacity - 1  # ... but one two-parent unit
            session.add(facility)

    request_ids = []
    for _ in range(PARALLEL):
        data = PlacementRequested(
            request_id=uuid.uuid4(), requested_by="ggd-amsterdam-vangnet", adults=2, children_ages=[4, 9],
            family_type=FamilyType.TWO_PARENT, need=PlacementNeed.CRISIS, municipality_code="0363", reason="family_evicted",
        )
        event = new_event(data, source=runtime.settings.source_urn, subject=f"hh-{uuid.uuid4().hex[:16]}", time=datetime.now(UTC))
        async with runtime.sessions() as session, session.begin():
            await workflow.on_requested(session, event)
        request_ids.append(data.request_id)

    async def confirm(request_id):
        try:
            await workflow.confirm(request_id, "hvo-querido")
            return "placed"
        except Conflict:
            return "refused"

    outcomes = await asyncio.gather(*(confirm(request_id) for request_id in request_ids))
    assert outcomes.count("placed") == 1 and outcomes.count("refused") == PARALLEL - 1
    async with runtime.sessions() as session:
        unit = await session.get(Facility, "roggeveen-two-parent")
        placed = (await session.exec(select(PlacementRequest).where(PlacementRequest.status == "placed"))).all()
    assert unit.occupied == unit.capacity and len(placed) == 1
    await runtime.engine.dispose()
