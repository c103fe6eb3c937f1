"""Builders for placement's tests: the organisations and units of the development set,
a placement runtime on SQLite, capacities set to full, placement's published events, and
requests and withdrawals as triage publishes them."""

from __future__ import annotations

import uuid

from sqlmodel import select

from shared.bus.port import OutgoingRecord
from shared.contracts import event_types
from shared.contracts.envelope import decode, encode, new_event
from shared.contracts.events.triage import FamilyType, PlacementNeed, PlacementRequested, PlacementWithdrawn, WithdrawalReason
from shared.runtime import build_runtime
from services.placement.settings import PlacementSettings
from services.placement.tables import Facility
from tests.support.apps import key
from tests.support.wait import wait_for

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
UNITS = "roggeveen-two-parent"
TRIAGE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-triage"
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


class FromTriage:
    """Requests and withdrawals as triage publishes them, each family on its own case key."""

    def __init__(self, bus, clock):
        self.bus, self.clock = bus, clock
        self.case_keys: dict[uuid.UUID, str] = {}

    async def request(self, children_ages=(3, 7)) -> str:
        data = PlacementRequested(
            request_id=uuid.uuid4(), requested_by=GGD, adults=2, children_ages=list(children_ages),
            family_type=FamilyType.TWO_PARENT, need=PlacementNeed.CRISIS, municipality_code="0363",
            reason="family_found_at_eviction",
        )  # fmt: skip
        self.case_keys[data.request_id] = "hh-" + uuid.uuid4().hex
        await self._publish(data, self.case_keys[data.request_id])
        return str(data.request_id)

    async def withdraw(self, request_id: str, reason=WithdrawalReason.EVICTION_CANCELLED) -> None:
        data = PlacementWithdrawn(
            request_id=uuid.UUID(request_id), signal_id=uuid.uuid4(), requested_by=GGD, municipality_code="0363", reason=reason
        )
        await self._publish(data, self.case_keys[data.request_id])

    async def _publish(self, data, case_key: str) -> None:
        event = new_event(data, source=TRIAGE, subject=case_key, time=self.clock.now())
        await self.bus.publish([OutgoingRecord("placement-requests", case_key, encode(event))])
