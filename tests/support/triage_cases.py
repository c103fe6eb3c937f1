"""A triage case as other services learn of it: its household.assessed event on the bus."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared.bus.port import OutgoingRecord
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.triage import CompositionSource, HouseholdAssessed
from tests.support.wait import wait_for

TRIAGE_SOURCE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-triage"


async def assessed_case(bus, runtime, municipality_code: str, now: datetime, case_key: str | None = None) -> str:
    """Publish a family case of this municipality on `triage` and wait until placement knows it."""
    from services.placement.tables import CaseRegion

    case_key = case_key or "hh-" + uuid.uuid4().hex
    data = HouseholdAssessed(
        signal_id=uuid.uuid4(), persons=4, minors=2, minor_ages=[3, 7], is_family=True,
        source=CompositionSource.REGISTER, assessed_on=now.date(), municipality_code=municipality_code,
    )  # fmt: skip
    event = new_event(data, source=TRIAGE_SOURCE, subject=case_key, time=now)
    await bus.publish([OutgoingRecord("triage", case_key, encode(event))])

    async def known():
        async with runtime.sessions() as session:
            return await session.get(CaseRegion, case_key)

    await wait_for(known, what=f"placement to learn case {case_key}")
    return case_key
