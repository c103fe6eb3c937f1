"""Reading the counters back: the cells of a municipality, its districts, and when each
period last changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.database import UtcDateTime
from services.monitor.domain.facts import Cell
from services.monitor.store import COUNTER_KEY
from services.monitor.tables import Counter, PeriodChange


async def cells(
    sessions: async_sessionmaker[AsyncSession],
    municipality_code: str,
    *,
    year: int | None = None,
    month: int | None = None,
    district: str | None = None,
    metric: str | None = None,
) -> list[tuple[Cell, int]]:
    table = Counter.__table__.c
    query = select(*(table[name] for name in COUNTER_KEY), table.count).where(table.municipality_code == municipality_code)
    for name, value in (("year", year), ("month", month), ("district", district), ("metric", metric)):
        if value is not None:
            query = query.where(table[name] == value)
    async with sessions() as session:
        rows = (await session.exec(query)).all()
    return [(Cell(*row[:-1]), row[-1]) for row in rows]


async def districts(sessions: async_sessionmaker[AsyncSession], municipality_code: str, year: int) -> list[str]:
    query = (
        select(Counter.district)
        .where(Counter.municipality_code == municipality_code, Counter.year == year, Counter.district != "")
        .distinct()
        .order_by(col(Counter.district))
    )
    async with sessions() as session:
        return list((await session.exec(query)).all())


async def last_changed(
    sessions: async_sessionmaker[AsyncSession], municipality_code: str, *, metric: str | None = None
) -> dict[tuple[int, int], datetime]:
    """(year, month) -> when a count of that month last changed (of `metric`, or of any)."""
    query = (
        select(PeriodChange.year, PeriodChange.month, func.max(PeriodChange.changed_at))
        .where(PeriodChange.municipality_code == municipality_code)
        .group_by(PeriodChange.year, PeriodChange.month)
    )
    if metric is not None:
        query = query.where(PeriodChange.metric == metric)
    async with sessions() as session:
        rows = (await session.exec(query)).all()
    return {(year, month): _aware(changed) for year, month, changed in rows}


async def year_changed(sessions: async_sessionmaker[AsyncSession], municipality_code: str, year: int) -> datetime | None:
    query = select(func.max(PeriodChange.changed_at)).where(
        PeriodChange.municipality_code == municipality_code, PeriodChange.year == year
    )
    async with sessions() as session:
        moment = (await session.exec(query)).one()
    return None if moment is None else _aware(moment)


def _aware(moment) -> datetime:
    """func.max bypasses the column's type on SQLite: read it back as an aware UTC time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return UtcDateTime().process_result_value(moment, None)
