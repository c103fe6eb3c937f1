"""The shelter answers an offer (confirm, decline) and records where a family went when it left (end)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shared.deps import RuntimeDep
from services.placement import in_view, shelter_answers
from services.placement.api.callers import Shelter
from services.placement.api.schemas import DeclineIn, EndIn, RequestView
from services.placement.api.views import request_view

router = APIRouter(prefix="/v1", tags=["placement"])


@router.post(
    "/requests/{request_id}/confirm",
    response_model=RequestView,
    summary="Confirm a unit for this family",
    responses={404: {}, 409: {"description": "no free unit left, or the request is no longer open"}},
)
async def confirm(request_id: UUID, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    request = await shelter_answers.confirm(runtime, request_id, organisation.id)
    return await request_view(runtime, request.id, organisation)


@router.post(
    "/requests/{request_id}/decline",
    response_model=RequestView,
    summary="Decline, with a reason; the family is offered elsewhere or waitlisted",
    responses={404: {}, 409: {}},
)
async def decline(request_id: UUID, body: DeclineIn, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    await shelter_answers.decline(runtime, request_id, organisation.id, body.reason, body.reason_code)
    # The family is no longer routed to this shelter: it sees only that the decline was recorded.
    return await request_view(runtime, request_id, organisation, hide_family=True)


@router.post(
    "/requests/{request_id}/end",
    response_model=RequestView,
    summary="The family left: record the outflow; the unit is freed and offered to the waiting list",
    responses={404: {}, 409: {"description": "the request is not placed (any more)"}},
)
async def end(request_id: UUID, body: EndIn, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    request = await in_view.end(runtime, request_id, organisation.id, body.outflow)
    return await request_view(runtime, request.id, organisation)
