"""The waiting list in priority order, with each family's position on its centre's list."""

from __future__ import annotations

from fastapi import APIRouter

from shared.audit import audit_read
from services.placement import visibility
from services.placement.api.callers import RequestReader, RuntimeDep
from services.placement.api.schemas import WaitlistEntry
from services.placement.api.views import waitlist_entries

router = APIRouter(prefix="/v1", tags=["placement"])


@router.get(
    "/waitlist",
    response_model=list[WaitlistEntry],
    summary="GGD: its waitlisted families. Shelter: its centre's waiting list. In priority order.",
)
async def waitlist(organisation: RequestReader, runtime: RuntimeDep) -> list[WaitlistEntry]:
    await audit_read(runtime, organisation, "read waiting list", f"waiting list of {organisation.id}")
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        requests, positions = await visibility.waitlist_seen_by(session, organisation)
    return waitlist_entries(requests, positions, now)
