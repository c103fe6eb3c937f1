"""Following up every prevention alert: what became of the household at the dwelling
(the rules: services.triage.domain.follow_up).

- `watch`: a prevention alert starts a follow-up (in the alert's transaction).
- `observe`: an eviction signal at the dwelling moves the case's open follow-ups; an
  eviction carried out records the outcome at once.
- `close_due` (a timer): a window that closed records the outcome by the state it ended in.
Recording publishes `prevention.followed-up` (no identities: the alert, the case's
pseudonym as subject, municipality, district, family yes/no, outcome, the alert's moment)
and notes it on the case's timeline.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.follow_up import PreventionFollowedUp
from shared.contracts.events.triage import AlertKind, AlertRaised
from shared.persistence.appends import append, read_back
from shared.runtime import Runtime
from services.triage.domain.follow_up import (
    OUTCOME_AT_CLOSE,
    FollowUpState,
    is_final,
    moved,
    report_missing,
    sighting,
    window_end,
    within_window,
)
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import Alert, PreventionFollowUp, aware
from services.triage.timeline import note

BATCH = 200
FOLLOW_UPS = PreventionFollowUp.__table__  # appended; a later eviction signal in the batch reads it back
read_back(FOLLOW_UPS)


class FollowUps:
    def __init__(self, runtime: Runtime, months: int):
        self._runtime = runtime
        self._months = months

    def watch(self, session: AsyncSession, raised: AlertRaised, case_key: str, now: datetime) -> None:
        """Every prevention alert is followed up for the window."""
        if raised.kind is not AlertKind.PREVENTION:
            return
        append(session, FOLLOW_UPS, {
            "alert_id": raised.alert_id, "case_key": case_key, "municipality_code": raised.municipality_code,
            "district": raised.district, "is_family": raised.is_family, "alerted_at": now,
            "until": window_end(now, self._months), "state": FollowUpState.WATCHING,
        })  # fmt: skip

    async def observe(
        self, session: AsyncSession, case_key: str, signal_type: str, outcome: str | None, day: date, now: datetime
    ) -> int:
        """An eviction signal dated within a follow-up's window moves it; returns how many it recorded."""
        seen = sighting(signal_type, outcome)
        if seen is None:
            return 0
        query = select(PreventionFollowUp).where(
            PreventionFollowUp.case_key == case_key, col(PreventionFollowUp.outcome).is_(None)
        )
        recorded = 0
        for follow_up in (await session.exec(query)).all():
            if not within_window(day, aware(follow_up.alerted_at), aware(follow_up.until)):
                continue
            follow_up.state = moved(follow_up.state, seen)
            session.add(follow_up)
            if is_final(follow_up.state):
                await self._record(session, follow_up, now)
                recorded += 1
        return recorded

    async def close_due(self, now: datetime) -> int:
        """Record the outcome of every follow-up whose window closed (one instance per row)."""
        async with self._runtime.sessions() as session, session.begin():
            query = (
                select(PreventionFollowUp)
                .where(col(PreventionFollowUp.outcome).is_(None), col(PreventionFollowUp.until) <= now)
                .order_by(col(PreventionFollowUp.until))
                .limit(BATCH)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            due = (await session.exec(query)).all()
            for follow_up in due:
                await self._record(session, follow_up, now)
        if due:
            self._runtime.relay.wake()
        return len(due)

    async def _record(self, session: AsyncSession, follow_up: PreventionFollowUp, now: datetime) -> None:
        alert = await session.get(Alert, follow_up.alert_id)
        missing = alert is not None and report_missing(aware(alert.final_report_due), alert.final_report_on, now)
        follow_up.outcome = OUTCOME_AT_CLOSE[FollowUpState(follow_up.state)]
        follow_up.recorded_at = now
        session.add(follow_up)
        followed = PreventionFollowedUp(
            alert_id=follow_up.alert_id, alerted_at=aware(follow_up.alerted_at), outcome=follow_up.outcome,
            report_missing=missing, followed_until=aware(follow_up.until).date(),
            municipality_code=follow_up.municipality_code, district=follow_up.district, is_family=follow_up.is_family,
        )  # fmt: skip
        self._runtime.emit(session, followed, subject=follow_up.case_key)
        note(session, follow_up.case_key, now, TimelineKind.FOLLOW_UP, None, {
            "alert_id": str(follow_up.alert_id), "outcome": followed.outcome, "report_missing": missing,
            "followed_until": followed.followed_until.isoformat(),
        })  # fmt: skip
