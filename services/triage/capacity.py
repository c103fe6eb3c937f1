"""Yearly capacity: how many prevention referrals a team takes a year (rules file,
`yearly_capacity`). A referral over it is still sent (families first, nothing
dropped), but says so, and the case's timeline notes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import AlertKind
from services.triage.alert_shapes import AlertSpec
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import Alert, ReferralTally
from services.triage.timeline import note


def over_capacity(used_before: int, capacity: int) -> bool:
    """The referral that makes `used_before + 1` is over a yearly capacity of `capacity`."""
    return used_before >= capacity


async def referrals_this_year(session: AsyncSession, recipient: str, now: datetime) -> int:
    """Prevention alerts raised for `recipient` since 1 January of `now`'s year."""
    return await referrals_in_year(session, recipient, now.year, until=now)


async def referrals_in_year(session: AsyncSession, recipient: str, year: int, until: datetime | None = None) -> int:
    """The alerts triage still holds, and those of cases its retention deleted (`referral_tally`)."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = until or datetime(year + 1, 1, 1, tzinfo=UTC)
    query = select(func.count()).select_from(Alert).where(
        Alert.recipient == recipient,
        Alert.kind == AlertKind.PREVENTION,
        col(Alert.raised_at) >= start,
        col(Alert.raised_at) <= end,
    )
    tally = await session.get(ReferralTally, (recipient, year))
    return (await session.exec(query)).one() + (tally.referrals if tally is not None else 0)


class YearlyCapacity:
    def __init__(self, capacities: dict[str, int]):
        self._capacities = capacities

    async def marked(
        self, session: AsyncSession, case_key: str, spec: AlertSpec, now: datetime, event_id: UUID | None
    ) -> AlertSpec:
        """The spec as sent: its reason says when the referral is over the team's capacity."""
        capacity = self._capacities.get(spec.recipient)
        if capacity is None or spec.kind is not AlertKind.PREVENTION:
            return spec
        used = await referrals_this_year(session, spec.recipient, now)
        if not over_capacity(used, capacity):
            return spec
        note(session, case_key, now, TimelineKind.CAPACITY, event_id, {
            "recipient": spec.recipient, "year": now.year, "capacity": capacity, "referral": used + 1,
        })  # fmt: skip
        return replace(spec, reason=f"{spec.reason} (over the yearly capacity of {capacity})")
