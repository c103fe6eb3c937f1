"""The case's shelter requests: asked once per episode for a family evicted or found
at the door, withdrawn when the eviction is reversed, and placement's news on them
(a confirmation hands the lead to the shelter). The rules are domain.placement.

Placement decides what a withdrawal means (off the list, the offer released, or too
late when the family is placed already) and answers on the placement topic.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID, uuid4

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events import placement as placement_events
from shared.contracts.events.triage import PlacementRequested, PlacementWithdrawn, WithdrawalReason
from shared.entitlement import request_belongs_to_case
from shared.runtime import Runtime
from services.triage.case.progress import move_state
from services.triage.case.received import Signal
from services.triage.domain.case import CaseState
from services.triage.domain.placement import placement_needed, starts_new_story, withdrawal_reason
from services.triage.domain.timeline import TimelineKind
from services.triage.rules import RuleSet
from services.triage.tables import HouseholdCase, PlacementAskRecord
from services.triage.timeline import note

log = logging.getLogger(__name__)

TOO_LATE = "withdrawal came too late: the family is placed, the placement stands"
_STATE_BY_NEWS = {
    placement_events.PlacementConfirmed: CaseState.PLACED,
    placement_events.PlacementLostFromView: CaseState.LOST_FROM_VIEW,
}


class PlacementAsker:
    """A family evicted or found at the door needs a place tonight: ask once per episode."""

    def __init__(self, runtime: Runtime, rules: RuleSet):
        self._runtime = runtime
        self._rules = rules

    async def after_signal(
        self, session: AsyncSession, case: HouseholdCase, signal: Signal, opened_now: bool, now: datetime
    ) -> None:
        signal_id = signal.data.signal_id
        self.ask_if_needed(session, case, signal.type, signal.outcome, signal_id, signal.adults, signal.event_id, now)
        if not opened_now:  # a case opened by this signal has no requests to withdraw
            await self.withdraw_if_reversed(session, case, signal.type, signal.outcome, signal_id, signal.event_id, now)

    def ask_if_needed(self, session, case, signal_type, outcome, signal_id, adults, event_id, now) -> bool:
        if adults is None:
            adults = case.persons - case.minors
        ask = placement_needed(signal_type, outcome, case.is_family, adults, tuple(case.minor_ages))
        if ask is None:
            return False
        if case.placement_requested_at is not None:
            skipped = {"reason": ask.reason, "skipped": "already requested"}
            note(session, case.case_key, now, TimelineKind.PLACEMENT, event_id, skipped)
            return False
        lead = self._rules.placement_lead(case.municipality_code)
        request = PlacementRequested(
            request_id=uuid4(),
            signal_id=signal_id,
            requested_by=lead,
            adults=ask.adults,
            children_ages=list(ask.children_ages),
            family_type=ask.family_type,
            need=ask.need,
            municipality_code=case.municipality_code,
            reason=ask.reason,
        )
        self._runtime.emit(session, request, subject=case.case_key)
        session.add(PlacementAskRecord(request_id=request.request_id, case_key=case.case_key, asked_at=now))
        case.case_lead = lead
        case.placement_requested_at = now
        asked = {"request_id": str(request.request_id), "requested_by": lead}
        note(session, case.case_key, now, TimelineKind.PLACEMENT, event_id, asked)
        return True

    async def withdraw_if_reversed(self, session, case, signal_type, outcome, signal_id, event_id, now) -> int:
        """The eviction was reversed: withdraw every request this case still has open
        for that eviction (not those of an earlier eviction a new story came after)."""
        reason = withdrawal_reason(signal_type, outcome)
        if reason is None and not starts_new_story(signal_type):
            return 0
        query = select(PlacementAskRecord).where(
            PlacementAskRecord.case_key == case.case_key,
            col(PlacementAskRecord.withdrawn_at).is_(None),
            col(PlacementAskRecord.superseded_at).is_(None),
        )
        asks = (await session.exec(query.order_by(col(PlacementAskRecord.asked_at)))).all()
        for ask in asks:
            if reason is None:  # the eviction these were asked for took place; a later reversal is about the next one
                ask.superseded_at = now
            else:
                self._withdraw(session, case, ask, reason, signal_id, event_id, now)
            session.add(ask)
        return 0 if reason is None else len(asks)

    def _withdraw(
        self, session, case: HouseholdCase, ask: PlacementAskRecord, reason: WithdrawalReason, signal_id: UUID, event_id, now
    ) -> None:
        withdrawal = PlacementWithdrawn(
            request_id=ask.request_id,
            signal_id=signal_id,
            requested_by=self._rules.placement_lead(case.municipality_code),
            municipality_code=case.municipality_code,
            reason=reason,
        )
        self._runtime.emit(session, withdrawal, subject=case.case_key)
        ask.withdrawn_at, ask.withdrawal_reason = now, reason
        withdrawn = {"request_id": str(ask.request_id), "withdrawn": reason}
        note(session, case.case_key, now, TimelineKind.PLACEMENT, event_id, withdrawn)


class PlacementNews:
    """Placement's events about a case's request: noted on the case; a confirmation
    hands the lead to the shelter, a family lost from view moves the case."""

    def __init__(self, runtime: Runtime):
        self._runtime = runtime

    async def record(
        self, session: AsyncSession, case_key: str, news: placement_events.PlacementData, news_type: str, event_id: UUID
    ) -> None:
        case = await session.get(HouseholdCase, case_key)
        if case is None:
            return  # a request GGD made over HTTP without a signal: placement owns it
        ask = await session.get(PlacementAskRecord, news.request_id)
        requester = self._runtime.organisations.get(news.requested_by)
        asked_here = ask is not None and ask.case_key == case.case_key
        if not request_belongs_to_case(requester, case.municipality_code, asked_here):
            log.warning("placement event %s: request %s was not made for this case's region; ignored", event_id, news.request_id)
            return
        now = self._runtime.clock.now()
        if isinstance(news, placement_events.PlacementConfirmed):
            case.case_lead = news.case_lead
        target = _STATE_BY_NEWS.get(type(news))
        if target is not None:
            move_state(case, target)
        summary = {"type": news_type, "request_id": str(news.request_id), **_news_facts(news)}
        if isinstance(news, placement_events.PlacementWithdrawalHandled):
            summary["outcome"] = news.outcome
            if news.outcome is placement_events.WithdrawalOutcome.TOO_LATE:
                summary["reason"] = TOO_LATE
            if ask is not None:
                ask.outcome = news.outcome
                session.add(ask)
        case.updated_at = now
        session.add(case)
        note(session, case.case_key, now, TimelineKind.PLACEMENT, event_id, summary)


def _news_facts(news: placement_events.PlacementData) -> dict:
    """The codes a later case of the same family shows of this placement (case.family): the
    shelter and facility, a partial placement, where the family went when it ended."""
    facts = {name: getattr(news, name) for name in ("shelter", "facility") if getattr(news, name, None)}
    if isinstance(news, placement_events.PlacementConfirmed) and news.partial:
        facts["partial"] = True
    if isinstance(news, placement_events.PlacementEnded):
        facts["outflow"] = news.outflow.value
    return facts
