"""Counting into the database: counters, the join between topics, the generation (purging: retention.py).

The consumer hands the monitor a fetched batch in one transaction, with one processed-event
row per event, so a redelivered event counts once. Each event's reading is collected
(`collect`); at the end of the batch (`flush`) the batch is settled in memory
(domain/settlement.py) and written in a few statements: one upsert per counter cell that
changed, one per period that changed, and the join rows in bulk. Each write is one statement
built once (`_Writes`) and executed with the batch's rows as its parameters (executemany), so
no batch compiles SQL of its own: a multi-row VALUES built per batch cost more CPU to compile
than all the rest of the monitor (docs/adr/0035). On PostgreSQL a
transaction-level advisory lock per join key, taken in one order, serialises the two
sides of one join, so two monitor instances cannot both miss each other's half.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.any_of import any_of
from shared.persistence.dialect_insert import dialect_insert
from services.monitor.domain.facts import Cell, Fact, Family, JoinKey, Location, Profile, Reading
from services.monitor.domain.period import Period
from services.monitor.domain.settlement import Settlement, StoredProfile, Waiting, settle
from services.monitor.tables import Counter, Generation, JoinProfile, PendingFact, PeriodChange

COUNTER_KEY = ["municipality_code", "district", "year", "month", "metric", "outcome", "family"]
_CHANGE_KEY = ["municipality_code", "year", "month", "metric"]
_BATCH = "monitor.readings"  # the session's collected readings, until flush
_ROWS_PER_STATEMENT = 1000  # ids per IN (...): well under the drivers' bound on parameters per statement


class GenerationMismatch(RuntimeError):
    """The database was filled by another generation: counting on would count twice."""


class CountStore:
    def __init__(self, link_key: bytes):
        self._link_key = link_key
        self.version = 0  # how many batches this instance wrote: readers notice a change

    def link(self, key: JoinKey) -> str:
        """A keyed hash of the join key: stable for this deployment, linkable to nothing outside it."""
        return hmac.new(self._link_key, str(key).encode(), hashlib.sha256).hexdigest()

    def collect(self, session: AsyncSession, reading: Reading) -> None:
        """Keep one event's reading for the end of its batch (`flush`)."""
        session.info.setdefault(_BATCH, []).append(reading)

    async def flush(self, session: AsyncSession, now: datetime) -> None:
        readings = session.info.pop(_BATCH, [])
        if readings:
            await self.apply_all(session, readings, now)

    async def apply(self, session: AsyncSession, reading: Reading, now: datetime) -> None:
        await self.apply_all(session, [reading], now)

    async def apply_all(self, session: AsyncSession, readings: list[Reading], now: datetime) -> None:
        offered = {key for reading in readings for key, _ in reading.profiles}
        keys = offered | {f.join for reading in readings for f in reading.facts if f.join is not None}
        if not keys and not any(reading.facts for reading in readings):
            return
        links = {key: self.link(key) for key in keys}  # one keyed hash per key of the batch
        named, offered_links = set(links.values()), {links[key] for key in offered}
        await _lock(session, sorted(named))  # one order everywhere: no deadlock between two instances
        stored = await _profiles(session, named)
        waiting = await _waiting(session, offered_links)
        settled = settle(readings, links.__getitem__, stored, waiting)
        writes = _writes(session.bind.dialect.name)
        await _write_counts(session, writes, settled.changed(), now)
        await _write_joins(session, writes, settled, now)
        self.version += 1


@dataclass(frozen=True)
class _Writes:
    """The monitor's writes, each one statement for any number of rows (executemany)."""

    add_count: object  # counter: insert, or add to the count of an existing cell
    mark_changed: object  # period_change: insert, or move changed_at
    add_profile: object  # join_profile: insert, unless the link has one (the first profile counts)
    add_pending: object  # pending_fact: insert
    drop_pending: object  # pending_fact: delete the rows `:ids` (any_of: one statement for any number)
    drop_profiles: object  # join_profile: delete the rows `:links`


@cache
def _writes(dialect: str) -> _Writes:
    """Built once per dialect: on the tables (Core), so no ORM bulk path, and compiled once
    (SQLAlchemy's statement cache)."""
    dml = dialect_insert(dialect)
    counter, change = Counter.__table__, PeriodChange.__table__
    add_count = dml(counter)
    mark_changed = dml(change)
    return _Writes(
        add_count=add_count.on_conflict_do_update(
            index_elements=COUNTER_KEY, set_={"count": counter.c.count + add_count.excluded.count}
        ),
        mark_changed=mark_changed.on_conflict_do_update(
            index_elements=_CHANGE_KEY, set_={"changed_at": mark_changed.excluded.changed_at}
        ),
        add_profile=dml(JoinProfile.__table__).on_conflict_do_nothing(index_elements=["link"]),
        add_pending=insert(PendingFact.__table__),
        drop_pending=delete(PendingFact).where(any_of(col(PendingFact.id), "ids", dialect)).execution_options(synchronize_session=False),
        drop_profiles=delete(JoinProfile).where(any_of(col(JoinProfile.link), "links", dialect)).execution_options(synchronize_session=False),
    )


async def _write_counts(session: AsyncSession, writes: _Writes, deltas: dict[Cell, int], now: datetime) -> None:
    """One upsert per changed counter cell, and the periods they belong to marked changed."""
    if not deltas:
        return
    rows = [{**{name: getattr(cell, name) for name in COUNTER_KEY}, "count": delta} for cell, delta in deltas.items()]
    await session.exec(writes.add_count, params=rows)
    changes = sorted({tuple(getattr(cell, name) for name in _CHANGE_KEY) for cell in deltas})
    await session.exec(writes.mark_changed, params=[{**dict(zip(_CHANGE_KEY, key)), "changed_at": now} for key in changes])


async def _write_joins(session: AsyncSession, writes: _Writes, settled: Settlement, now: datetime) -> None:
    if settled.pending_removed:
        for chunk in _chunks(settled.pending_removed):
            await session.exec(writes.drop_pending, params={"ids": chunk})
    if settled.profiles_removed:
        for chunk in _chunks(sorted(settled.profiles_removed)):
            await session.exec(writes.drop_profiles, params={"links": chunk})
    if settled.profiles_added:
        profiles = [_profile_row(link, held, now) for link, held in sorted(settled.profiles_added.items())]
        await session.exec(writes.add_profile, params=profiles)
    if settled.pending_added:
        await session.exec(writes.add_pending, params=[_pending_row(link, fact, now) for link, fact in settled.pending_added])


async def _profiles(session: AsyncSession, links: set[str]) -> dict[str, StoredProfile]:
    found: dict[str, StoredProfile] = {}
    query = _profiles_of(session.bind.dialect.name)
    for chunk in _chunks(sorted(links)):
        for link, municipality, district, family, single_use in await session.exec(query, params={"links": chunk}):
            found[link] = StoredProfile(Profile(Location(municipality, district), Family(family)), single_use)
    return found


async def _waiting(session: AsyncSession, links: set[str]) -> dict[str, list[Waiting]]:
    found: dict[str, list[Waiting]] = {}
    query = _waiting_for(session.bind.dialect.name)
    for chunk in _chunks(sorted(links)):
        for row in await session.exec(query, params={"links": chunk}):
            found.setdefault(row.link, []).append(Waiting(_fact_of(row), row.id))
    return found


@cache
def _profiles_of(dialect: str):
    """The stored profiles of the links `:links`; built once (docs/adr/0058)."""
    table = JoinProfile.__table__.c
    query = select(table.link, table.municipality_code, table.district, table.family, table.single_use)
    return query.where(any_of(table.link, "links", dialect))


@cache
def _waiting_for(dialect: str):
    """The facts waiting for the profiles of the links `:links`, oldest first; built once (docs/adr/0058)."""
    return select(PendingFact).where(any_of(col(PendingFact.link), "links", dialect)).order_by(col(PendingFact.id))


async def claim_generation(sessions: async_sessionmaker[AsyncSession], generation: str, now: datetime) -> None:
    """Record which generation fills this database; refuse another one (it would count twice)."""
    async with sessions() as session, session.begin():
        await session.exec(
            dialect_insert(session.bind.dialect.name)(Generation)
            .values(id=1, generation=generation, started_at=now)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        owner = (await session.exec(select(Generation.generation).where(Generation.id == 1))).one()
    if owner != generation:
        raise GenerationMismatch(
            f"this database holds the counts of generation {owner!r}; generation {generation!r} needs an empty "
            "database (see services/monitor/README.md, 'Rebuild')"
        )


def _chunks(items: list) -> list[list]:
    return [items[start : start + _ROWS_PER_STATEMENT] for start in range(0, len(items), _ROWS_PER_STATEMENT)]


async def _lock(session: AsyncSession, links: list[str]) -> None:
    if links and session.bind.dialect.name == "postgresql":
        await session.exec(_LOCK_EACH, params={"keys": [int(link[:15], 16) for link in links]})


_LOCK_EACH = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")  # built once (docs/adr/0058)


def _profile_row(link: str, held: StoredProfile, now: datetime) -> dict:
    return {
        "link": link,
        "municipality_code": held.profile.location.municipality_code,
        "district": held.profile.location.district,
        "family": held.profile.family.value,
        "single_use": held.single_use,
        "received_at": now,
    }


def _pending_row(link: str, fact: Fact, now: datetime) -> dict:
    return {
        "link": link,
        "metric": fact.metric,
        "outcome": fact.outcome,
        "year": fact.period.year,
        "month": fact.period.month,
        "municipality_code": fact.location.municipality_code if fact.location else None,
        "district": fact.location.district if fact.location else None,
        "family": fact.family.value if fact.family else None,
        "received_at": now,
    }


def _fact_of(row: PendingFact) -> Fact:
    location = Location(row.municipality_code, row.district or "") if row.municipality_code else None
    return Fact(
        metric=row.metric,
        outcome=row.outcome,
        period=Period(row.year, row.month),
        location=location,
        family=Family(row.family) if row.family else None,
    )
