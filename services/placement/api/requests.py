"""GGD asks for a place and records where a waiting family stays meanwhile; a shelter
and the GGD read the requests routed to them or made by them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from shared.audit import audit_read
from shared.contracts.fields import Text
from services.placement import in_view, requesting, visibility
from services.placement.api.callers import Ggd, RequestReader, RuntimeDep
from services.placement.api.schemas import AlternativeIn, RequestIn, RequestView
from services.placement.api.views import request_view, request_view_in

router = APIRouter(prefix="/v1", tags=["placement"])


@router.post(
    "/requests",
    response_model=RequestView,
    status_code=status.HTTP_201_CREATED,
    summary="GGD asks for a place for a family; offered to a facility or waitlisted",
    responses={
        404: {"description": "no such case in your region"},
        409: {"description": "the case already has an open request (names the field)"},
    },
)
async def create_request(body: RequestIn, organisation: Ggd, runtime: RuntimeDep) -> RequestView:
    request = await requesting.ask(runtime, organisation.id, body.composition(), body.case_key)
    return await request_view(runtime, request.id, organisation)


@router.get("/requests", response_model=list[RequestView], summary="Requests routed to your shelter, or made by you")
async def list_requests(
    organisation: RequestReader,
    runtime: RuntimeDep,
    state: Annotated[Text(20) | None, Query(alias="status", description="offered, waitlisted, placed or ended")] = None,
) -> list[RequestView]:
    await audit_read(runtime, organisation, "list placement requests", f"requests of {organisation.id}")
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        requests = await visibility.requests_seen_by(session, organisation, state)
        return [await request_view_in(session, request, organisation, now) for request in requests]


@router.get("/requests/{request_id}", response_model=RequestView, summary="One request routed to you or made by you")
async def read_request(request_id: UUID, organisation: RequestReader, runtime: RuntimeDep) -> RequestView:
    await audit_read(runtime, organisation, "read placement request", str(request_id))
    async with runtime.sessions() as session:
        request = await visibility.request_seen_by(session, request_id, organisation)
        return await request_view_in(session, request, organisation, runtime.clock.now())


@router.post(
    "/requests/{request_id}/alternative",
    response_model=RequestView,
    status_code=status.HTTP_201_CREATED,
    summary="Record where a waitlisted family stays meanwhile; counts as an update, the family stays on the list",
    responses={404: {}, 409: {"description": "the request is not waitlisted (names the field)"}},
)
async def record_alternative(request_id: UUID, body: AlternativeIn, organisation: Ggd, runtime: RuntimeDep) -> RequestView:
    request = await in_view.record_alternative(runtime, request_id, organisation.id, body.kind, body.note)
    return await request_view(runtime, request.id, organisation)
