"""Use case: a safety-net plan made before a family's eviction (recommendation C).

The GGD, or a team the case was routed to, records that the family has a safety net for
the eviction the case has scheduled: which arrangements (codes), made when; a later plan for
the same date revises it. The late-in-view
check (services.triage.eviction_watch) then raises no urgent alert for that eviction. The
plan is noted on the case's timeline and published as `safety-net.plan-made` (topic
`triage`, keyed by the case) so the chain can count plans against family evictions.
The rules are in domain.safety_net.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import dutch_date
from shared.contracts.events.triage import SafetyNetArrangement, SafetyNetPlanMade
from shared.runtime import Runtime
from services.triage.domain.safety_net import check_plan
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import HouseholdCase
from services.triage.timeline import note


@dataclass(frozen=True)
class Plan:
    eviction_date: date
    made_on: date
    arrangements: tuple[SafetyNetArrangement, ...]


class SafetyNetDesk:
    def __init__(self, runtime: Runtime):
        self._runtime = runtime

    async def record(self, session: AsyncSession, case: HouseholdCase, made_by: str, plan: Plan) -> None:
        """Raises domain.safety_net.PlanRefused when the plan does not cover the coming eviction."""
        now = self._runtime.clock.now()
        check_plan(
            scheduled=case.eviction_date, state=case.state,
            eviction_date=plan.eviction_date, made_on=plan.made_on, today=dutch_date(now),
        )  # fmt: skip
        revised = case.safety_net_plan_on is not None
        case.safety_net_plan_on = plan.made_on
        case.updated_at = now
        note(session, case.case_key, now, TimelineKind.SAFETY_NET_PLAN, None, {
            "made_by": made_by, "made_on": plan.made_on.isoformat(), "eviction_date": plan.eviction_date.isoformat(),
            "arrangements": [arrangement.value for arrangement in plan.arrangements], "revised": revised,
        })  # fmt: skip
        event = SafetyNetPlanMade(
            made_by=made_by,
            made_on=plan.made_on,
            eviction_date=plan.eviction_date,
            eviction_signal_id=case.eviction_signal_id,
            arrangements=list(plan.arrangements),
            municipality_code=case.municipality_code,
            district=case.district,
            is_family=case.is_family,
            revised=revised,
        )
        self._runtime.emit(session, event, subject=case.case_key)
        session.add(case)
