"""The trajectory plan a shelter draws up with a placed family (T14: within six weeks of
placement): when it is due, when the shelter is reminded, when it is escalated to the GGD
that asked, and what a plan recorded on a given day means. Pure: no clock, no database.

Like the prevention teams' 14/28-day reports (triage's report deadlines), each alarm
fires once: a reminder to the shelter `reminder_days` before the day it is due, an
escalation to the GGD when the day passed without the plan. A placement that ended, or
whose plan was recorded, raises nothing more. When the timer finds both due at once
(it was down over the deadline), only the escalation fires: a reminder of a deadline
already missed tells nobody anything new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from services.placement.domain.request_status import IN_SHELTER, RequestStatus

T14_DAYS = 42  # six weeks


class PlanAlarm(StrEnum):
    REMINDER = "reminder"  # to the shelter: the plan is due soon
    ESCALATION = "escalation"  # to the GGD that asked: the day passed without the plan


@dataclass(frozen=True)
class PlanDeadline:
    """Days in UTC, like every moment the service keeps."""

    placed_on: date
    due_on: date  # the last day the plan may be made
    remind_on: date

    @property
    def remind_at(self) -> datetime:
        return _start_of(self.remind_on)

    @property
    def escalate_at(self) -> datetime:
        """The start of the day after the plan was due."""
        return _start_of(self.due_on + timedelta(days=1))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def plan_due_on(placed_at: datetime, days: int = T14_DAYS) -> date:
    """The last day for the plan: `days` after the day of placement. Fixed at placement."""
    return placed_at.astimezone(timezone.utc).date() + timedelta(days=days)


def plan_deadline(placed_at: datetime, due_on: date, reminder_days: int = 7) -> PlanDeadline:
    """The reminder `reminder_days` before the plan is due (never before the day of placement)."""
    placed_on = placed_at.astimezone(timezone.utc).date()
    return PlanDeadline(placed_on, due_on, max(due_on - timedelta(days=reminder_days), placed_on))


def alarm_due(
    status: RequestStatus,
    deadline: PlanDeadline,
    plan_made_on: date | None,
    reminded_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
) -> PlanAlarm | None:
    """The alarm to raise now, if any."""
    if status not in IN_SHELTER or plan_made_on is not None:
        return None
    if now >= deadline.escalate_at:
        return PlanAlarm.ESCALATION if escalated_at is None else None
    if now >= deadline.remind_at and reminded_at is None:
        return PlanAlarm.REMINDER
    return None


def days_left(deadline: PlanDeadline, now: datetime) -> int:
    """Whole days until the plan is due (0 on the last day)."""
    return max((deadline.due_on - now.date()).days, 0)


class PlanDateProblem(StrEnum):
    IN_THE_FUTURE = "a plan cannot be recorded before the day it was made"
    BEFORE_PLACEMENT = "the plan was made before the family was placed: a trajectory plan follows the placement"


def plan_date_problem(made_on: date, placed_on: date, today: date) -> PlanDateProblem | None:
    if made_on > today:
        return PlanDateProblem.IN_THE_FUTURE
    if made_on < placed_on:
        return PlanDateProblem.BEFORE_PLACEMENT
    return None


def on_time(made_on: date, deadline: PlanDeadline) -> bool:
    return made_on <= deadline.due_on
