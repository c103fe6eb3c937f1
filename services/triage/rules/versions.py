"""The versions of each municipality's routing rules in the database, and the rules that
decide a signal now (`RulesBook`).

How a new version takes effect without a restart, on every triage instance: each
decision reads the municipality's published version number in its own transaction (one
indexed row, read once per transaction: a consumed batch is one transaction), and takes the parsed rules of that version from a cache keyed by
(municipality, version). A published version never changes, so the cache never goes
stale; a signal decided after a publish commits sees the new number at once, on every
instance, with no polling interval in which instances disagree (docs/adr/0028).

The rules file seeds the versions (`seed_from_file`): at start, a municipality whose
file rules differ from the last version the file gave it (or that has none) gets them
as a new published version, so a deploy that changes the file still takes effect.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.per_transaction import forget, remembered
from services.triage.domain.routing import ANY_MUNICIPALITY, Decision, HouseholdFacts, Rule, SignalFacts, route
from services.triage.domain.rules_version import RulesVersionState, version_label
from services.triage.rules import RuleSet
from services.triage.rules.municipal import MunicipalRules, rule_document
from services.triage.tables import RulesVersion

log = logging.getLogger(__name__)
_PUBLISHED = "published rules versions"  # key in Session.info: (transaction, {municipality code: version or None})
FILE_AUTHOR = {"organisation": None, "subject": "rules file", "kind": "rules file", "name": None, "employee_number": None}


@dataclass(frozen=True)
class ActiveRules:
    label: str  # what a decision's trace names: `0363 v3`
    rules: tuple[Rule, ...]  # the municipality's rules, then the `*` fallback


class RulesBook:
    def __init__(self, file_rules: RuleSet):
        self.file_rules = file_rules
        self.fallback = tuple(rule for rule in file_rules.rules if rule.municipality == ANY_MUNICIPALITY)
        self.fallback_ids = frozenset(rule.id for rule in self.fallback)
        self._parsed: dict[tuple[str, int], tuple[Rule, ...]] = {}

    async def active(self, session: AsyncSession, municipality_code: str) -> ActiveRules:
        """The rules deciding this municipality's signals in this transaction."""
        version = await _published_version(session, municipality_code)
        if version is None:  # never seeded nor published: the file's rules, as before versions existed
            own = tuple(rule for rule in self.file_rules.rules if rule.municipality == municipality_code)
            return ActiveRules(version_label(municipality_code, None), own + self.fallback)
        key = (municipality_code, version)
        if key not in self._parsed:
            row = await session.get(RulesVersion, key)
            self._parsed[key] = MunicipalRules.model_validate(row.document).to_rules() + self.fallback
        return ActiveRules(version_label(municipality_code, version), self._parsed[key])

    async def route(
        self, session: AsyncSession, signal: SignalFacts, household: HouseholdFacts, now: datetime
    ) -> tuple[Decision | None, str]:
        """domain.routing.route with the rules in effect now; the trace names their version."""
        active = await self.active(session, signal.municipality_code)
        decision = route(signal, household, active.rules, now)
        if decision is not None:
            decision = replace(decision, trace={**decision.trace, "rules": active.label})
        return decision, active.label

    async def seed_from_file(self, sessions, now: datetime) -> None:
        """Each municipality of the rules file gets the file's rules as a published version
        when it has none from the file yet, or the file's changed since."""
        codes = sorted({rule.municipality for rule in self.file_rules.rules} - {ANY_MUNICIPALITY})
        for code in codes:
            document = {"rules": [rule_document(rule) for rule in self.file_rules.rules if rule.municipality == code]}
            try:
                async with sessions() as session, session.begin():
                    await _seed(session, code, document, now)
            except IntegrityError:  # another instance seeded it at the same moment
                log.info("rules of %s were seeded by another instance", code)


async def _published_version(session: AsyncSession, municipality_code: str) -> int | None:
    """The municipality's published version number, read once per transaction: a consumed
    batch decides all its signals by one version, the one published when it first asked."""
    known = _known_in_this_transaction(session)
    if municipality_code not in known:
        asked = {"municipality_code": municipality_code}
        known[municipality_code] = (await session.exec(_PUBLISHED_VERSION, params=asked)).first()
    return known[municipality_code]


# Built once (docs/adr/0058).
_PUBLISHED_VERSION = select(RulesVersion.version).where(
    RulesVersion.municipality_code == bindparam("municipality_code"), RulesVersion.state == RulesVersionState.PUBLISHED
)


def _known_in_this_transaction(session) -> dict[str, int | None]:
    """The versions read in the session's current transaction; a new transaction reads again."""
    return remembered(session, _PUBLISHED)


async def _seed(session: AsyncSession, code: str, document: dict, now: datetime) -> None:
    versions = (await session.exec(select(RulesVersion).where(RulesVersion.municipality_code == code))).all()
    from_file = [row for row in versions if (row.created_by or {}).get("kind") == FILE_AUTHOR["kind"]]
    if from_file and max(from_file, key=lambda row: row.version).document == document:
        return
    number = max((row.version for row in versions), default=0) + 1
    await supersede_published(session, code)
    session.add(RulesVersion(
        municipality_code=code, version=number, state=RulesVersionState.PUBLISHED, document=document,
        created_at=now, created_by=FILE_AUTHOR, published_at=now, published_by=FILE_AUTHOR,
    ))  # fmt: skip
    log.info("rules of %s: version %d published from the rules file", code, number)


async def supersede_published(session: AsyncSession, code: str) -> RulesVersion | None:
    """The published version of `code`, now superseded (flushed: the new one may follow)."""
    query = select(RulesVersion).where(
        RulesVersion.municipality_code == code, col(RulesVersion.state) == RulesVersionState.PUBLISHED
    )
    current = (await session.exec(query.with_for_update())).first()
    forget(session, _PUBLISHED)  # this transaction publishes: read again
    if current is not None:
        current.state = RulesVersionState.SUPERSEDED
        session.add(current)
        await session.flush()
    return current
