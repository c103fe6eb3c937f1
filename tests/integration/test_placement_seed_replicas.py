"""Two placement instances starting at once on one PostgreSQL database both load the seed
facilities: they take turns, and neither fails its start on the other's rows."""

import asyncio

import pytest
from sqlmodel import select

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.migrations import runner
from shared.runtime import build_runtime
from services.placement.settings import PlacementSettings
from services.placement.tables import Facility
from services.placement.facilities import seed_facilities

pytestmark = pytest.mark.postgres


async def test_instances_seeding_at_once_load_each_facility_once(new_database):
    url = new_database("placement")
    replicas = [build_runtime(PlacementSettings(database_url=url), bus=InMemoryBus(), clock=FakeClock()) for _ in range(3)]
    await runner.upgrade(replicas[0].engine, "placement")
    try:
        added = await asyncio.gather(*(seed_facilities(r, r.settings.seed_file) for r in replicas))

        async with replicas[0].sessions() as session:
            facilities = (await session.exec(select(Facility))).all()
        assert sorted(added)[:-1] == [0] * (len(replicas) - 1) and added.count(len(facilities)) == 1
    finally:
        for runtime in replicas:
            await runtime.engine.dispose()
