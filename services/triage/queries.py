"""What the teams read of triage: a case with its alerts and timeline (only for those it was
routed to, every read audited), an organisation's alerts, and referrals against each team's
yearly capacity. The routes (api.py) translate HTTP to these and back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from shared.audit import record_read
from shared.entitlement import may_see_case
from shared.errors import NotFound
from shared.organisations import Organisation
from shared.runtime import Runtime
from services.triage.capacity import referrals_in_year, referrals_this_year
from services.triage.family_history import EarlierCase, earlier_cases
from services.triage.tables import Alert, CaseEntry, HouseholdCase

NOT_FOUND = "no such case"


@dataclass(frozen=True)
class CaseRead:
    case: HouseholdCase
    alerts: list[Alert]
    timeline: list[CaseEntry]
    earlier: list[EarlierCase]  # the family's earlier cases at other dwellings (family_history)


@dataclass(frozen=True)
class Referrals:
    recipient: str
    year: int
    capacity: int
    used: int


async def read_case(runtime: Runtime, organisation: Organisation, case_key: str, purpose: str) -> CaseRead:
    """The case, its alerts (oldest first), its timeline and the family's earlier cases; the
    read recorded with its purpose (each earlier case's read too).

    NotFound for a case the organisation may not see, exactly as for one that does not exist."""
    async with runtime.sessions() as session, session.begin():
        case = await session.get(HouseholdCase, case_key)
        alerts = list(
            (await session.exec(select(Alert).where(Alert.case_key == case_key).order_by(col(Alert.raised_at)))).all()
        )
        if case is None or not may_see_case(organisation, case.case_lead, (alert.recipient for alert in alerts)):
            raise NotFound(NOT_FOUND)
        now, activity = runtime.clock.now(), runtime.settings.processing_activity
        record_read(session, organisation, "read case", case_key, purpose, now, activity)
        entries = (
            await session.exec(select(CaseEntry).where(CaseEntry.case_key == case_key).order_by(col(CaseEntry.id)))
        ).all()
        earlier = await earlier_cases(session, organisation, case_key, purpose, activity, now)
    return CaseRead(case, alerts, list(entries), earlier)


async def alerts_for(runtime: Runtime, organisation_id: str, limit: int) -> list[Alert]:
    """The alerts raised for an organisation, newest first."""
    async with runtime.sessions() as session:
        query = select(Alert).where(Alert.recipient == organisation_id).order_by(col(Alert.raised_at).desc()).limit(limit)
        return list((await session.exec(query)).all())


async def referrals(runtime: Runtime, yearly_capacity: dict[str, int], year: int | None) -> list[Referrals]:
    """Per team: its referrals in `year` (this year when None) against its yearly capacity."""
    now: datetime = runtime.clock.now()
    moment = now if year is None else now.replace(year=year, month=12, day=31)
    found = []
    async with runtime.sessions() as session:
        for recipient, capacity in sorted(yearly_capacity.items()):
            if year is None or year == now.year:
                used = await referrals_this_year(session, recipient, now)
            else:
                used = await referrals_in_year(session, recipient, moment.year)
            found.append(Referrals(recipient, moment.year, capacity, used))
    return found
