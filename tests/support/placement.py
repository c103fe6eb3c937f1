"""Builders for placement's tests: the organisations and units of the development set,
a placement runtime on SQLite, capacities set to full, and placement's published events."""

from __future__ import annotations

from sqlmodel import select

from shared.contracts import event_types
from shared.contracts.envelope import decode
from shared.runtime import build_runtime
from services.placement.settings import PlacementSettings
from services.placement.tables import Facility
from tests.support.apps import key
from tests.support.wait import wait_for

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
UNITS = "roggeveen-two-parent"
FAMILY = {"adults": 2, "children_ages": [3, 7], "family_type": "two_parent", "need": "crisis", "municipality_code": "0363"}


def make_runtime(tmp_path, bus, clock, **settings):
    # A long timer interval keeps the timer out of the way; tests call the check directly,
    # except the one that proves the timer worker runs it.
    settings = {"timer_interval_seconds": 3600, **settings}
    return build_runtime(
        PlacementSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/placement.db", **settings), bus=bus, clock=clock
    )


async def full_except(runtime, free: dict[str, int] | None = None) -> None:
    """Test set-up: every facility full, except the free units named."""
    free = free or {}
    async with runtime.sessions() as session, session.begin():
        for facility in (await session.exec(select(Facility))).all():
            facility.occupied = facility.capacity - free.get(facility.id, 0)
            session.add(facility)


def events(bus, event_type: str | None = None, request_id: str | None = None) -> list:
    found = [decode(record.value) for record in bus.records("placement")]
    return [
        e
        for e in found
        if (event_type is None or e.type == event_type) and (request_id is None or str(e.data.request_id) == request_id)
    ]


async def published(bus, event_type: str, request_id: str, count: int = 1) -> list:
    async def probe():
        found = events(bus, event_type, request_id)
        return found if len(found) >= count else None

    return await wait_for(probe, what=f"{event_types.short_name(event_type)} for {request_id}")


async def post_request(client, organisation=GGD, **overrides):
    response = await client.post("/v1/requests", json={**FAMILY, **overrides}, headers=key(organisation))
    assert response.status_code == 201, response.text
    return response.json()
