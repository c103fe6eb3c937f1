"""The trajectory plan within six weeks of placement (T14): the shelter records the day it
was made; the timer reminds the shelter before the day it is due and escalates to the GGD
that asked when the day passed without it (domain/trajectory_plan.py decides).

Like triage's report deadlines, the timer runs from the database on the service clock
(shared.timers): a restart loses nothing, each alarm fires once (its row records that it
fired, in the transaction that publishes it), and two replicas never both fire one alarm
(a conditional UPDATE claims it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import dutch_date
from shared.contracts.events.placement import PlacementPlanMade, PlacementPlanOverdue, PlacementPlanReminder
from shared.errors import FieldConflict, NotFound
from shared.runtime import Runtime
from services.placement.domain.request_status import IN_SHELTER
from services.placement.domain.trajectory_plan import (
    PlanAlarm,
    PlanDeadline,
    alarm_due,
    days_left,
    on_time,
    plan_date_problem,
    plan_deadline,
)
from services.placement.news import tell
from services.placement.tables import Facility, PlacementRequest

BATCH = 200


async def record_plan(runtime: Runtime, request_id: UUID, shelter: str, made_on: date) -> PlacementRequest:
    """The shelter where the family lives says the plan was made on `made_on` (a date only)."""
    async with runtime.sessions() as session, session.begin():
        request = await session.get(PlacementRequest, request_id)
        facility = await session.get(Facility, request.facility_id) if request and request.facility_id else None
        if request is None or facility is None or facility.shelter != shelter:  # shared.entitlement: its own shelter
            raise NotFound("no such request")
        if request.status not in IN_SHELTER or request.placed_at is None or request.plan_due_on is None:
            raise FieldConflict("status", f"this request is {request.status}; a plan is recorded for a placed family", "request")
        deadline = _deadline(runtime, request)
        problem = plan_date_problem(made_on, deadline.placed_on, dutch_date(runtime.clock.now()))
        if problem is not None:
            raise FieldConflict("made_on", problem.value)
        recorded = await session.exec(
            update(PlacementRequest)
            .where(col(PlacementRequest.id) == request.id, col(PlacementRequest.plan_made_on).is_(None))
            .values(plan_made_on=made_on, updated_at=runtime.clock.now())
        )
        if recorded.rowcount != 1:
            raise FieldConflict("made_on", "the plan of this placement was recorded already")
        tell(
            runtime, session, request, PlacementPlanMade, shelter=shelter, made_on=made_on,
            plan_due_on=deadline.due_on, on_time=on_time(made_on, deadline),
        )  # fmt: skip
    runtime.relay.wake()
    return request


async def check_plan_deadlines(runtime: Runtime, now: datetime) -> int:
    """Timer check: the reminders and escalations due now, each once."""
    reminder_days = runtime.settings.plan_reminder_days
    fired = 0
    async with runtime.sessions() as session, session.begin():
        for request in await _candidates(session, now, reminder_days):
            deadline = _deadline(runtime, request)
            alarm = alarm_due(request.status, deadline, request.plan_made_on, request.plan_reminded_at, request.plan_escalated_at, now)
            if alarm is not None and await _claim(session, request, alarm, now):
                shelter = (await session.get(Facility, request.facility_id)).shelter
                _announce(runtime, session, request, alarm, deadline, shelter, now)
                fired += 1
    if fired:
        runtime.relay.wake()
    return fired


async def _candidates(session: AsyncSession, now: datetime, reminder_days: int) -> list[PlacementRequest]:
    """Placed families without a plan whose reminder day has come and that may still need an alarm."""
    today = now.date()
    query = (
        select(PlacementRequest)
        .where(col(PlacementRequest.status).in_(IN_SHELTER), col(PlacementRequest.plan_made_on).is_(None))
        .where(col(PlacementRequest.plan_due_on) <= today + timedelta(days=reminder_days))
        .where(col(PlacementRequest.plan_escalated_at).is_(None))
        .where(or_(col(PlacementRequest.plan_reminded_at).is_(None), col(PlacementRequest.plan_due_on) < today))
        .order_by(col(PlacementRequest.plan_due_on), col(PlacementRequest.id))
        .limit(BATCH)
    )
    return list((await session.exec(query)).all())


async def _claim(session: AsyncSession, request: PlacementRequest, alarm: PlanAlarm, now: datetime) -> bool:
    """Record that this alarm fired, unless another replica fired it or the plan was recorded just now."""
    column = PlacementRequest.plan_reminded_at if alarm is PlanAlarm.REMINDER else PlacementRequest.plan_escalated_at
    claimed = await session.exec(
        update(PlacementRequest)
        .where(col(PlacementRequest.id) == request.id, col(PlacementRequest.plan_made_on).is_(None), col(column).is_(None))
        .where(col(PlacementRequest.status).in_(IN_SHELTER))
        .values({column: now})
    )
    return claimed.rowcount == 1


def _announce(
    runtime: Runtime, session: AsyncSession, request: PlacementRequest, alarm: PlanAlarm, deadline: PlanDeadline, shelter: str, now: datetime
) -> None:
    common = {"shelter": shelter, "placed_on": deadline.placed_on, "plan_due_on": deadline.due_on}
    if alarm is PlanAlarm.REMINDER:
        tell(runtime, session, request, PlacementPlanReminder, recipient=shelter, days_left=days_left(deadline, now), **common)
    else:
        tell(runtime, session, request, PlacementPlanOverdue, also_notify=[shelter], **common)


def _deadline(runtime: Runtime, request: PlacementRequest) -> PlanDeadline:
    return plan_deadline(request.placed_at, request.plan_due_on, runtime.settings.plan_reminder_days)
