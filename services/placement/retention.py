"""Placement's retention: a request that ended (the family left the shelter) or was
withdrawn goes, with the shelters' declines (their own words), GGD's notes on where the
family stayed and the withdrawal, a fixed time after it ended (default 12 months,
`PLACEMENT_RETENTION_MONTHS`). Open requests (offered, waitlisted, placed) stay. A case's
region (case pseudonym -> municipality, from triage's assessments) goes when triage has not
assessed the case for as long as triage keeps an idle case (default 24 months,
`PLACEMENT_CASE_REGION_RETENTION_MONTHS`) and placement holds no request of the case any
more: by then triage has deleted the case, so no GGD can name it. The job and the
deletion log: shared.retention; why these periods: docs/adr/0023.

What survives: the facilities' capacity and occupancy (their own columns) and the
monitor's counts (another service).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.retention import Deleted, Sweep, months_before
from services.placement.domain.request_status import RequestStatus
from services.placement.tables import Alternative, CaseRegion, Decline, PlacementRequest, Withdrawal

RETENTION_JOB = "placement-retention"
BATCH = 500


def placement_sweeps(months: int, case_region_months: int = 24) -> list[Sweep]:
    async def ended_requests(session: AsyncSession, now: datetime) -> list[Deleted]:
        return await delete_ended_requests(session, months_before(now, months), f"request_ended_{months}_months")

    async def idle_case_regions(session: AsyncSession, now: datetime) -> list[Deleted]:
        cutoff = months_before(now, case_region_months)
        return await delete_idle_case_regions(session, cutoff, f"case_idle_{case_region_months}_months")

    return [ended_requests, idle_case_regions]  # requests first: a region goes once its requests went


async def delete_ended_requests(session: AsyncSession, cutoff: datetime, rule: str) -> list[Deleted]:
    ended = and_(PlacementRequest.status == RequestStatus.ENDED, col(PlacementRequest.ended_at) <= cutoff)
    withdrawn = and_(PlacementRequest.status == RequestStatus.WITHDRAWN, col(PlacementRequest.updated_at) <= cutoff)
    query = select(PlacementRequest.id, PlacementRequest.case_key).where(or_(ended, withdrawn)).limit(BATCH)
    rows = (await session.exec(query)).all()
    if not rows:
        return []
    ids = [request_id for request_id, _ in rows]
    cases = len({case_key for _, case_key in rows})
    deleted = []
    for kind, table, where in (
        ("decline", Decline, col(Decline.request_id).in_(ids)),
        ("alternative", Alternative, col(Alternative.request_id).in_(ids)),
        ("withdrawal", Withdrawal, col(Withdrawal.request_id).in_(ids)),
        ("request", PlacementRequest, col(PlacementRequest.id).in_(ids)),
    ):
        result = await session.exec(delete(table).where(where))
        deleted.append(Deleted(rule, kind, cases, result.rowcount))
    return deleted


async def delete_idle_case_regions(session: AsyncSession, cutoff: datetime, rule: str) -> list[Deleted]:
    """Regions of cases triage last assessed before `cutoff` and placement has no request of."""
    has_request = exists().where(PlacementRequest.case_key == CaseRegion.case_key)
    idle = select(CaseRegion.case_key).where(col(CaseRegion.assessed_at) <= cutoff, ~has_request).limit(BATCH)
    keys = list((await session.exec(idle)).all())
    if not keys:
        return []
    result = await session.exec(delete(CaseRegion).where(col(CaseRegion.case_key).in_(keys)))
    return [Deleted(rule, "case_region", len(keys), result.rowcount)]
