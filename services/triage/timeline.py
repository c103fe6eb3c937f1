"""Writing a case's timeline: one append-only line per thing that happened, in the
transaction that made it happen (kinds: services.triage.domain.timeline)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseEntry


def note(
    session: AsyncSession, case_key: str, at: datetime, kind: TimelineKind, event_id: UUID | None, summary: dict
) -> None:
    """One line on the case's timeline; `event_id` is the event that caused it, when one did."""
    session.add(CaseEntry(case_key=case_key, at=at, kind=kind, event_id=event_id, summary=summary))
