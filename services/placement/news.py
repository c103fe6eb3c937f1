"""Placement's news about a request: every event carries the same routing facts and
goes out, through the outbox, on the family's case key."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.placement import PlacementData
from shared.runtime import Runtime
from services.placement.tables import PlacementRequest


def about(request: PlacementRequest) -> dict:
    """The routing facts every placement event carries; the GGD that asked is told unless said otherwise."""
    return {
        "request_id": request.id,
        "recipient": request.requested_by,
        "requested_by": request.requested_by,
        "municipality_code": request.municipality_code,
    }


def tell(runtime: Runtime, session: AsyncSession, request: PlacementRequest, news: type[PlacementData], **fields) -> None:
    """Publish `news` about this request in the caller's transaction; `fields` may name another recipient."""
    runtime.emit(session, news(**{**about(request), **fields}), subject=request.case_key)
