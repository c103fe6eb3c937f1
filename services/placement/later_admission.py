"""A partly placed family made whole (docs/adr/0037): the shelter admits the persons it did
not admit at first (the father, once there is room or once the reason is gone). The request
moves from partly placed to placed with one conditional UPDATE; the unit, the day of
placement and the trajectory plan's day stay as they were; `placement.rest-admitted` tells
the GGD that asked, which no longer needs to keep anyone of the family in view."""

from __future__ import annotations

from uuid import UUID

from shared.contracts.events.placement import PlacementRestAdmitted
from shared.errors import Conflict, FieldConflict, NotFound
from shared.runtime import Runtime
from services.placement.domain.admission import AdmissionProblem, rest_admitted
from services.placement.domain.request_status import RequestStatus
from services.placement.moves import move
from services.placement.news import tell
from services.placement.tables import Facility, PlacementRequest


async def admit_rest(runtime: Runtime, request_id: UUID, shelter: str) -> PlacementRequest:
    """The rest of a partly placed family admitted at this shelter. NotFound: not this
    shelter's; FieldConflict on `status`: the request is not partly placed."""
    async with runtime.sessions() as session, session.begin():
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        if request is None or facility is None or facility.shelter != shelter:  # shared.entitlement: its own shelter
            raise NotFound("no such request")
        if request.status != RequestStatus.PARTLY_PLACED:
            raise FieldConflict("status", f"this request is {request.status}; only a partly placed family has a rest to admit", "request")
        try:
            whole = rest_admitted(request.adults, len(request.children_ages), request.adults_admitted, request.children_admitted)
        except AdmissionProblem as problem:
            raise FieldConflict(problem.field, str(problem), "request") from None
        later = {  # read before the move: the UPDATE refreshes the row in hand
            "adults_admitted_later": whole.adults_admitted - request.adults_admitted,
            "children_admitted_later": whole.children_admitted - request.children_admitted,
        }
        now = runtime.clock.now()
        moved = await move(
            session, request.id, RequestStatus.PARTLY_PLACED, RequestStatus.PLACED, at_facility=facility.id,
            adults_admitted=whole.adults_admitted, children_admitted=whole.children_admitted, updated_at=now, last_update_at=now,
        )  # fmt: skip
        if not moved:
            raise Conflict("this placement changed meanwhile (ended, or the rest admitted already)")
        tell(
            runtime, session, request, PlacementRestAdmitted, shelter=facility.shelter,
            adults_admitted=whole.adults_admitted, children_admitted=whole.children_admitted, **later,
        )  # fmt: skip
    runtime.relay.wake()
    return request
