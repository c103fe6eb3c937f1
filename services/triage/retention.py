"""Triage's retention: a case and everything it knows of the household go a fixed time
after the case's last activity (default 24 months, `TRIAGE_RETENTION_MONTHS`), unless a
family still waits for or lives in a shelter place (the case leads it there) or a
prevention alert is still being followed up. The job and the deletion log:
shared.retention; why these periods: docs/adr/0023-privacy-in-every-service.md.

What goes: the case (composition, ages), its timeline (where a team's correction says
in its own words what it learned), its alerts and the reports owed on them, its shelter
requests, its postcode aliases, its closed follow-ups, the pseudonyms of the persons at its
dwelling and its links to the family's other cases, both ways (docs/adr/0038: a later case
shows an earlier one only while the earlier one exists). What survives: the monitor's
counts (another service), and the teams' yearly referral counts (`referral_tally`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertKind
from shared.retention import Deleted, Sweep, months_before
from services.triage.domain.case import CaseState
from services.triage.tables import (
    Alert,
    CaseAlias,
    CaseEntry,
    CaseLink,
    CasePerson,
    HouseholdCase,
    PlacementAskRecord,
    PreventionFollowUp,
    ReferralTally,
    ReportDeadline,
    aware,
)

RETENTION_JOB = "triage-retention"
BATCH = 500
KEPT_WHILE_IN_SHELTER_CARE = (CaseState.AWAITING_PLACEMENT, CaseState.PLACED)


def triage_sweeps(months: int) -> list[Sweep]:
    async def idle_cases(session: AsyncSession, now: datetime) -> list[Deleted]:
        return await delete_idle_cases(session, months_before(now, months), f"case_idle_{months}_months")

    return [idle_cases]


async def delete_idle_cases(session: AsyncSession, cutoff: datetime, rule: str) -> list[Deleted]:
    open_follow_up = exists().where(
        PreventionFollowUp.case_key == HouseholdCase.case_key, col(PreventionFollowUp.outcome).is_(None)
    )
    query = (
        select(HouseholdCase.case_key)
        .where(
            col(HouseholdCase.updated_at) <= cutoff,
            col(HouseholdCase.state).not_in(KEPT_WHILE_IN_SHELTER_CARE),
            ~open_follow_up,
        )
        .limit(BATCH)
    )
    keys = list((await session.exec(query)).all())
    if not keys:
        return []
    await _tally_referrals(session, keys)
    deleted = []
    for kind, table, where in (
        ("timeline_entry", CaseEntry, col(CaseEntry.case_key).in_(keys)),
        ("report_deadline", ReportDeadline, col(ReportDeadline.case_key).in_(keys)),
        ("alert", Alert, col(Alert.case_key).in_(keys)),
        ("shelter_request", PlacementAskRecord, col(PlacementAskRecord.case_key).in_(keys)),
        ("follow_up", PreventionFollowUp, col(PreventionFollowUp.case_key).in_(keys)),
        ("postcode_alias", CaseAlias, or_(col(CaseAlias.case_key).in_(keys), col(CaseAlias.alias_key).in_(keys))),
        ("person_pseudonym", CasePerson, col(CasePerson.case_key).in_(keys)),
        ("family_link", CaseLink, or_(col(CaseLink.case_key).in_(keys), col(CaseLink.earlier_case_key).in_(keys))),
        ("case", HouseholdCase, col(HouseholdCase.case_key).in_(keys)),
    ):
        result = await session.exec(delete(table).where(where))
        deleted.append(Deleted(rule, kind, len(keys), result.rowcount))
    return deleted


async def _tally_referrals(session: AsyncSession, keys: list[str]) -> None:
    """The prevention referrals of the cases that go, counted per team and year first."""
    query = select(Alert.recipient, Alert.raised_at).where(col(Alert.case_key).in_(keys), Alert.kind == AlertKind.PREVENTION)
    counts = Counter((recipient, aware(raised_at).year) for recipient, raised_at in (await session.exec(query)).all())
    for (recipient, year), referrals in sorted(counts.items()):
        tally = await session.get(ReferralTally, (recipient, year))
        if tally is None:
            session.add(ReferralTally(recipient=recipient, year=year, referrals=referrals))
        else:
            tally.referrals += referrals
            session.add(tally)
    await session.flush()
