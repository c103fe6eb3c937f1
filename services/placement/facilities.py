"""The facilities: seeded once from the report's capacity tables; a shelter states the
capacity of its own, and units it adds go to the waiting list at once."""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import col

from shared.errors import FieldConflict, NotFound
from shared.persistence.leader import wait_to_lead
from shared.runtime import Runtime
from services.placement.offers import fill_from_waitlist
from services.placement.tables import Facility


async def update_capacity(runtime: Runtime, facility_id: str, shelter: str, capacity: int) -> Facility:
    """A shelter states its capacity; never below the units occupied now (checked in the UPDATE itself)."""
    async with runtime.sessions() as session, session.begin():
        facility = await session.get(Facility, facility_id)
        if facility is None or facility.shelter != shelter:  # shared.entitlement: the shelter that runs it
            raise NotFound("no such facility")
        changed = await session.exec(
            update(Facility).where(col(Facility.id) == facility_id, col(Facility.occupied) <= capacity).values(capacity=capacity)
        )
        if changed.rowcount != 1:
            await session.refresh(facility)
            raise FieldConflict("capacity", f"capacity {capacity} is below the {facility.occupied} units occupied")
        await fill_from_waitlist(runtime, session, runtime.clock.now())
        await session.refresh(facility)
    runtime.relay.wake()
    return facility


async def seed_facilities(runtime: Runtime, path) -> int:
    """Load the seed facilities once; an existing facility keeps its live capacity.
    Two instances starting at once take turns: the second finds the first's rows."""
    document = json.loads(path.read_text())
    regions = document["regions"]
    added = 0
    async with runtime.sessions() as session, session.begin():
        await wait_to_lead(session, "placement-seed")
        for item in document["facilities"]:
            if await session.get(Facility, item["id"]) is not None:
                continue
            session.add(Facility(region=regions[item["centre"]], **item))
            added += 1
    return added
