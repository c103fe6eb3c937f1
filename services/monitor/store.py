"""Counting into the database: counters, the join between topics, purging, the generation.

Each event is applied in the consumer's transaction (one processed-event row, one
effect), so a redelivered event counts once. On PostgreSQL a transaction-level
advisory lock per join key serialises the two sides of one join, so two monitor
instances cannot both miss each other's half; counters are upserts that add.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, func, text
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.monitor.domain.facts import Cell, Fact, Family, JoinKey, Location, Profile, Reading, rejoin, resolve
from services.monitor.domain.period import Period
from services.monitor.tables import Counter, Generation, JoinProfile, PendingFact

log = logging.getLogger(__name__)

_COUNTER_KEY = ["municipality_code", "district", "year", "month", "metric", "outcome", "family"]


class GenerationMismatch(RuntimeError):
    """The database was filled by another generation: counting on would count twice."""


class CountStore:
    def __init__(self, link_key: bytes):
        self._link_key = link_key

    def link(self, key: JoinKey) -> str:
        """A keyed hash of the join key: stable for this deployment, linkable to nothing outside it."""
        return hmac.new(self._link_key, str(key).encode(), hashlib.sha256).hexdigest()

    async def apply(self, session: AsyncSession, reading: Reading, now: datetime) -> None:
        by_key: dict[JoinKey | None, list[Fact]] = defaultdict(list)
        for fact in reading.facts:
            by_key[fact.join].append(fact)
        links = {self.link(key) for key, _ in reading.profiles} | {self.link(k) for k in by_key if k is not None}
        for link in sorted(links):  # one order everywhere: no deadlock between two instances
            await _lock(session, link)
        for key, profile in reading.profiles:
            await self._offer(session, key, profile, now)
        for key, facts in by_key.items():
            await self._count(session, key, facts, now)

    async def _offer(self, session: AsyncSession, key: JoinKey, profile: Profile, now: datetime) -> None:
        link = self.link(key)
        waiting = (await session.exec(select(PendingFact).where(PendingFact.link == link))).all()
        for row in waiting:
            for cell, delta in rejoin(_fact_of(row), profile):
                await add(session, cell, delta)
            await session.delete(row)
        if waiting and key.single_use:
            return  # its one fact is settled: nothing left to join
        await session.exec(
            _insert(session)(JoinProfile)
            .values(
                link=link,
                municipality_code=profile.location.municipality_code,
                district=profile.location.district,
                family=profile.family.value,
                single_use=key.single_use,
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=["link"])  # the first profile of a key counts
        )

    async def _count(self, session: AsyncSession, key: JoinKey | None, facts: list[Fact], now: datetime) -> None:
        row = await session.get(JoinProfile, self.link(key)) if key is not None else None
        profile = _profile_of(row) if row is not None else None
        for fact in facts:
            cell = resolve(fact, profile)
            if cell is not None:
                await add(session, cell, 1)
            if key is not None and profile is None:
                session.add(_pending(self.link(key), fact, now))
        if row is not None and row.single_use:
            await session.delete(row)

    async def purge(self, sessions: async_sessionmaker[AsyncSession], cutoff: datetime) -> tuple[int, int]:
        """Drop join rows received before `cutoff`; returns (profiles, pending facts) dropped."""
        async with sessions() as session, session.begin():
            uncounted = (
                await session.exec(
                    select(func.count())
                    .select_from(PendingFact)
                    .where(col(PendingFact.received_at) <= cutoff, col(PendingFact.municipality_code).is_(None))
                )
            ).one()
            profiles = await session.exec(delete(JoinProfile).where(col(JoinProfile.received_at) <= cutoff))
            pending = await session.exec(delete(PendingFact).where(col(PendingFact.received_at) <= cutoff))
        if uncounted:
            log.warning("purged %d facts that never learned their municipality (their profile never came)", uncounted)
        return profiles.rowcount, pending.rowcount


async def add(session: AsyncSession, cell: Cell, delta: int) -> None:
    values = {name: getattr(cell, name) for name in _COUNTER_KEY}
    statement = _insert(session)(Counter).values(**values, count=delta)
    statement = statement.on_conflict_do_update(
        index_elements=_COUNTER_KEY, set_={"count": Counter.__table__.c.count + statement.excluded.count}
    )
    await session.exec(statement)


async def cells(
    sessions: async_sessionmaker[AsyncSession],
    municipality_code: str,
    *,
    year: int | None = None,
    month: int | None = None,
    district: str | None = None,
    metric: str | None = None,
) -> list[tuple[Cell, int]]:
    query = select(Counter).where(Counter.municipality_code == municipality_code)
    for column, value in ((Counter.year, year), (Counter.month, month), (Counter.district, district), (Counter.metric, metric)):
        if value is not None:
            query = query.where(column == value)
    async with sessions() as session:
        rows = (await session.exec(query)).all()
    return [(Cell(**{name: getattr(row, name) for name in _COUNTER_KEY}), row.count) for row in rows]


async def districts(sessions: async_sessionmaker[AsyncSession], municipality_code: str, year: int) -> list[str]:
    query = (
        select(Counter.district)
        .where(Counter.municipality_code == municipality_code, Counter.year == year, Counter.district != "")
        .distinct()
        .order_by(col(Counter.district))
    )
    async with sessions() as session:
        return list((await session.exec(query)).all())


async def claim_generation(sessions: async_sessionmaker[AsyncSession], generation: str, now: datetime) -> None:
    """Record which generation fills this database; refuse another one (it would count twice)."""
    async with sessions() as session, session.begin():
        await session.exec(
            _insert(session)(Generation)
            .values(id=1, generation=generation, started_at=now)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        owner = (await session.exec(select(Generation.generation).where(Generation.id == 1))).one()
    if owner != generation:
        raise GenerationMismatch(
            f"this database holds the counts of generation {owner!r}; generation {generation!r} needs an empty "
            "database (see services/monitor/README.md, 'Rebuild')"
        )


def retention_cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _insert(session: AsyncSession):
    return postgres_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def _lock(session: AsyncSession, link: str) -> None:
    if session.bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=int(link[:15], 16)))


def _pending(link: str, fact: Fact, now: datetime) -> PendingFact:
    return PendingFact(
        link=link,
        metric=fact.metric,
        outcome=fact.outcome,
        year=fact.period.year,
        month=fact.period.month,
        municipality_code=fact.location.municipality_code if fact.location else None,
        district=fact.location.district if fact.location else None,
        family=fact.family.value if fact.family else None,
        received_at=now,
    )


def _fact_of(row: PendingFact) -> Fact:
    location = Location(row.municipality_code, row.district or "") if row.municipality_code else None
    return Fact(
        metric=row.metric,
        outcome=row.outcome,
        period=Period(row.year, row.month),
        location=location,
        family=Family(row.family) if row.family else None,
    )


def _profile_of(row: JoinProfile) -> Profile:
    return Profile(Location(row.municipality_code, row.district), Family(row.family))
