"""Requests for a place: from triage over Kafka, or made by a GGD over HTTP. Both take
the same path: the family waits on its centre's list (domain/registry.py) and is
offered a unit or waitlisted at once (services/placement/offers.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import Executable
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import PlacementRequested
from shared.entitlement import may_name_case_in_request
from shared.errors import FieldConflict, NotFound
from shared.persistence.appends import append, insert_with
from shared.persistence.dialect_insert import dialect_insert
from shared.runtime import Runtime
from services.placement import queries
from services.placement.domain.family import Composition
from services.placement.domain.registry import waitlist_centre
from services.placement.domain.request_status import OPEN, RequestStatus
from services.placement.offers import offer_or_waitlist
from services.placement.tables import CaseRegion, PlacementRequest


async def take_from_triage(runtime: Runtime, session: AsyncSession, data: PlacementRequested, case_key: str) -> None:
    """A request from triage (Kafka), in the consumer's transaction."""
    if await session.get(PlacementRequest, data.request_id) is not None:
        return  # a request GGD made over HTTP, published by this service for the record
    await _create(runtime, session, data.request_id, case_key, data.requested_by, Composition.of(data))


async def remember_case_region(session: AsyncSession, case_key: str, municipality_code: str, assessed_at: datetime) -> None:
    """The municipality of a triage case (topic `triage`): whose region it is, and when triage
    last assessed the case (retention counts from there). Every signal triage assesses passes
    here, so nothing is loaded: the row goes in at commit with the batch's others, in one
    statement (shared.persistence.appends, `_case_region_upsert`)."""
    append(session, CaseRegion.__table__, {"case_key": case_key, "municipality_code": municipality_code, "assessed_at": assessed_at})


def _case_region_upsert(dialect: str) -> Executable:
    """A new case's row, or a later assessment's date on the case's row."""
    table = CaseRegion.__table__
    statement = dialect_insert(dialect)(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.case_key],
        set_={"assessed_at": statement.excluded.assessed_at},
        where=table.c.assessed_at < statement.excluded.assessed_at,  # a late, older assessment changes nothing
    )


insert_with(CaseRegion.__table__, _case_region_upsert)


async def ask(runtime: Runtime, requested_by: str, family: Composition, case_key: str | None) -> PlacementRequest:
    """A request GGD makes over HTTP: the same path as one from triage.

    With a triage case key the events join that case; without one the
    request gets its own pseudonym, so events still carry no identity.
    Raises NotFound for a case outside the GGD's region (or unknown), before
    anything about it is looked up."""
    async with runtime.sessions() as session, session.begin():
        if case_key is not None:
            await _check_case(runtime, session, requested_by, case_key)
        request = await _create(runtime, session, uuid4(), case_key or f"pr-{uuid4().hex}", requested_by, family)
        # Published like triage's requests, so the monitor counts every request the chain saw.
        requested = PlacementRequested(request_id=request.id, requested_by=requested_by, **family.as_fields())
        runtime.emit(session, requested, subject=request.case_key)
    runtime.relay.wake()
    return request


async def _check_case(runtime: Runtime, session: AsyncSession, requested_by: str, case_key: str) -> None:
    """The GGD may name this case (its region: shared.entitlement), and the case has no open request."""
    region = await session.get(CaseRegion, case_key)
    requester = runtime.organisations.get(requested_by)
    if requester is None or not may_name_case_in_request(requester, region and region.municipality_code):
        raise NotFound("no such case")
    open_request = (
        await session.exec(
            select(PlacementRequest.id).where(PlacementRequest.case_key == case_key, col(PlacementRequest.status).in_(OPEN))
        )
    ).first()
    if open_request is not None:
        raise FieldConflict("case_key", "this case already has an open placement request")


async def _create(
    runtime: Runtime, session: AsyncSession, request_id: UUID, case_key: str, requested_by: str, family: Composition
) -> PlacementRequest:
    now = runtime.clock.now()
    requester = runtime.organisations.get(requested_by)
    centre, out_of_region = waitlist_centre(
        family.municipality_code, requester.municipality_codes if requester else [], await queries.regions(session)
    )
    request = PlacementRequest(
        id=request_id,
        case_key=case_key,
        requested_by=requested_by,
        **family.as_fields(),
        status=RequestStatus.NEW,
        centre=centre,
        out_of_region=out_of_region,
        created_at=now,
        updated_at=now,
        last_update_at=now,
    )
    session.add(request)
    await offer_or_waitlist(runtime, session, request, now)
    return request
