"""One instance at a time for a job that must not run twice at once (a sweep whose log
would otherwise say it twice, a seed two starting instances would both insert): a
transaction-level PostgreSQL advisory lock, held until the transaction ends. SQLite runs
one process per file, so there it always leads."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession


def lock_id(job: str) -> int:
    """A stable 32-bit id per job name (advisory lock keys are bigint; one namespace per database)."""
    return zlib.crc32(job.encode())


async def try_lead(session: AsyncSession, job: str) -> bool:
    """True when this transaction may run `job`; False while another instance's transaction runs it."""
    if session.bind.dialect.name != "postgresql":
        return True
    result = await session.exec(text("SELECT pg_try_advisory_xact_lock(:lock)").bindparams(lock=lock_id(job)))
    return bool(result.scalar())


async def wait_to_lead(session: AsyncSession, job: str) -> None:
    """Wait until no other instance's transaction runs `job`; this one then runs it, and sees
    what the one before committed."""
    if session.bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(:lock)").bindparams(lock=lock_id(job)))
