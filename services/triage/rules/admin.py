"""The use cases of a municipality's functional administrator on its routing rules: read
the versions, write a draft, publish it (services.triage.rules_api is the HTTP face).

A draft is stored only when it is valid (rules.municipal.check); publishing moves it
to published and the version before it to superseded, in one transaction, so a signal
is decided either wholly by the old version or wholly by the new one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.caller import Caller
from shared.errors import Conflict, NotFound
from shared.organisations import Organisations
from services.triage.domain.rules_version import RulesVersionState, may_move
from services.triage.rules.municipal import RuleProblem, check
from services.triage.rules.versions import RulesBook, supersede_published
from services.triage.tables import RulesVersion


class RulesRefused(ValueError):
    """The document is not valid rules: each problem names the rule and the field."""

    def __init__(self, problems: list[RuleProblem]):
        super().__init__("; ".join(f"rule {p.rule}, field {p.field}: {p.reason}" for p in problems))
        self.problems = problems


def author(caller: Caller) -> dict:
    """Who wrote or published a version, named as audit rows name a caller."""
    return {
        "organisation": caller.id, "subject": caller.subject, "kind": caller.kind.value,
        "name": caller.display_name, "employee_number": caller.employee_number,
    }  # fmt: skip


def problems_of(book: RulesBook, organisations: Organisations, code: str, document: object) -> list[RuleProblem]:
    return check(code, document, organisations, book.fallback_ids)[1]


async def versions(session: AsyncSession, code: str) -> list[RulesVersion]:
    query = select(RulesVersion).where(RulesVersion.municipality_code == code).order_by(col(RulesVersion.version).desc())
    return list((await session.exec(query)).all())


async def version(session: AsyncSession, code: str, number: int) -> RulesVersion:
    row = await session.get(RulesVersion, (code, number))
    if row is None:
        raise NotFound(f"municipality {code} has no rules version {number}")
    return row


async def write_draft(
    session: AsyncSession, book: RulesBook, organisations: Organisations, code: str, document: dict, by: Caller, now: datetime
) -> RulesVersion:
    """Raises RulesRefused when the document is not valid rules."""
    problems = problems_of(book, organisations, code, document)
    if problems:
        raise RulesRefused(problems)
    last = (await session.exec(select(func.max(RulesVersion.version)).where(RulesVersion.municipality_code == code))).one()
    row = RulesVersion(
        municipality_code=code, version=(last or 0) + 1, state=RulesVersionState.DRAFT, document=document,
        created_at=now, created_by=author(by),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


async def publish(session: AsyncSession, code: str, number: int, by: Caller, now: datetime) -> RulesVersion:
    """The draft decides from now on; the version published before it is kept, superseded."""
    row = await session.get(RulesVersion, (code, number), with_for_update=True)
    if row is None:
        raise NotFound(f"municipality {code} has no rules version {number}")
    if not may_move(row.state, RulesVersionState.PUBLISHED):
        raise Conflict(f"version {number} is {row.state.value}: only a draft can be published (write a new draft to go back)")
    await supersede_published(session, code)
    row.state = RulesVersionState.PUBLISHED
    row.published_at = now
    row.published_by = author(by)
    session.add(row)
    await session.flush()
    return row
