"""A request's status changes here only: the table's check (domain/request_status.py),
then a conditional UPDATE from the status the caller saw, so two actors never both
move one request."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.placement.domain.request_status import RequestStatus, check_move
from services.placement.tables import PlacementRequest


async def move(
    session: AsyncSession,
    request_id: UUID,
    current: RequestStatus,
    target: RequestStatus,
    *,
    at_facility: str | None = None,
    **values,
) -> bool:
    """Move a request only if it is still in `current` (and at the facility) the caller saw.
    False: another transaction moved it first. `values`: the other columns to set."""
    check_move(current, target)
    query = update(PlacementRequest).where(col(PlacementRequest.id) == request_id, PlacementRequest.status == current)
    if at_facility is not None:
        query = query.where(PlacementRequest.facility_id == at_facility)
    result = await session.exec(query.values(status=target, **values))
    return result.rowcount == 1


def place(request: PlacementRequest, target: RequestStatus) -> None:
    """Move a request this transaction is matching (status `new`, not committed yet)."""
    request.status = check_move(request.status, target)
