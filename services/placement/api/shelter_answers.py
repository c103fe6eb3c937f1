"""The shelter answers an offer (confirm, for the whole family or part of it; decline), admits
the rest of a partly placed family later, records that the trajectory plan was made, and
where a family went when it left (end)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from shared.deps import RuntimeDep
from services.placement import in_view, later_admission, shelter_answers, trajectory_plans
from services.placement.api.callers import Shelter
from services.placement.api.schemas import ConfirmIn, DeclineIn, EndIn, PlanIn, RequestView
from services.placement.api.views import request_view

router = APIRouter(prefix="/v1", tags=["placement"])


@router.post(
    "/requests/{request_id}/confirm",
    response_model=RequestView,
    summary="Confirm a unit for this family, or for the part of it you admit (partly placed)",
    responses={
        404: {},
        409: {"description": "no free unit left, the request is no longer open, or counts that do not fit the family (names the field)"},
    },
)
async def confirm(request_id: UUID, organisation: Shelter, runtime: RuntimeDep, body: ConfirmIn | None = None) -> RequestView:
    body = body or ConfirmIn()
    request = await shelter_answers.confirm(runtime, request_id, organisation.id, body.adults_admitted, body.children_admitted)
    return await request_view(runtime, request.id, organisation)


@router.post(
    "/requests/{request_id}/admit-rest",
    response_model=RequestView,
    summary="Admit the persons of a partly placed family not admitted at first: the whole family is placed",
    responses={404: {}, 409: {"description": "the request is not partly placed (any more) (names the field)"}},
)
async def admit_rest(request_id: UUID, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    request = await later_admission.admit_rest(runtime, request_id, organisation.id)
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
    "/requests/{request_id}/trajectory-plan",
    response_model=RequestView,
    summary="Record the day the trajectory plan was made (due six weeks after placement); ends its reminders",
    responses={404: {}, 409: {"description": "not placed, a date before placement or in the future, or recorded already (names the field)"}},
)
async def record_plan(request_id: UUID, body: PlanIn, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    request = await trajectory_plans.record_plan(runtime, request_id, organisation.id, body.made_on)
    return await request_view(runtime, request.id, organisation)


@router.post(
    "/requests/{request_id}/end",
    response_model=RequestView,
    summary="The family left: record the outflow; the unit is freed and offered to the waiting list",
    responses={404: {}, 409: {"description": "the request is not placed (any more)"}},
)
async def end(request_id: UUID, body: EndIn, organisation: Shelter, runtime: RuntimeDep) -> RequestView:
    request = await in_view.end(runtime, request_id, organisation.id, body.outflow)
    return await request_view(runtime, request.id, organisation)
