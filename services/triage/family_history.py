"""What a case's reader sees of the family's earlier cases at other dwellings
(docs/adr/0038): each earlier case's key, municipality, state, the day the household lost
its home there, its shelter requests and placement's news on them (codes: shelter,
facility, partial, outflow), and what became of it after a prevention alert. Not its
timeline, composition corrections or alerts: those stay with that case's own readers.

Read inside the reader's transaction, after the entitlement check of the case asked for;
each earlier case read is audited on its own, naming the case it was read through."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import record_read
from shared.caller import Caller
from shared.organisations import Organisation
from shared.processing import ProcessingActivity
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseEntry, CaseLink, HouseholdCase, PreventionFollowUp

READ_LINKED = "read linked case"


@dataclass(frozen=True)
class EarlierCase:
    link: CaseLink
    case: HouseholdCase
    placements: list[CaseEntry]
    outcomes: list[str]


async def earlier_cases(
    session: AsyncSession, reader: Caller | Organisation, case_key: str, purpose: str, activity: ProcessingActivity, now
) -> list[EarlierCase]:
    links = (await session.exec(select(CaseLink).where(CaseLink.case_key == case_key).order_by(col(CaseLink.linked_at)))).all()
    found = []
    for link in links:
        earlier = await session.get(HouseholdCase, link.earlier_case_key)
        if earlier is None:
            continue
        record_read(session, reader, READ_LINKED, earlier.case_key, f"earlier case of {case_key}: {purpose}", now, activity)
        found.append(EarlierCase(link, earlier, await _placements(session, earlier.case_key), await _outcomes(session, earlier.case_key)))
    return found


async def _placements(session: AsyncSession, case_key: str) -> list[CaseEntry]:
    query = select(CaseEntry).where(CaseEntry.case_key == case_key, CaseEntry.kind == TimelineKind.PLACEMENT)
    return list((await session.exec(query.order_by(col(CaseEntry.id)))).all())


async def _outcomes(session: AsyncSession, case_key: str) -> list[str]:
    query = select(PreventionFollowUp.outcome).where(
        PreventionFollowUp.case_key == case_key, col(PreventionFollowUp.outcome).is_not(None)
    )
    return [outcome.value for outcome in (await session.exec(query.order_by(col(PreventionFollowUp.alerted_at)))).all()]
