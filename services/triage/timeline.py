"""Writing a case's timeline: one append-only line per thing that happened, in the
transaction that made it happen (kinds: services.triage.domain.timeline).

Lines are appended rows (shared.persistence.appends): a consumed batch's lines go in with
one statement at commit, in the order they were noted (their ids keep that order)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.appends import append

from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseEntry


def note(
    session: AsyncSession, case_key: str, at: datetime, kind: TimelineKind, event_id: UUID | None, summary: dict
) -> None:
    """One line on the case's timeline; `event_id` is the event that caused it, when one did."""
    append(session, CaseEntry.__table__, {"case_key": case_key, "at": at, "kind": kind, "event_id": event_id, "summary": summary})
