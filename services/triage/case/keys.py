"""Which case a signal belongs to, found or opened, and the alias that remembers it
(the rule is services.triage.domain.case_key; this applies it to the tables and the
timeline).

A signal keyed on a postcode address joins the dwelling's case once the register
told the BAG id; the events triage emits about it carry that case's key.

Looked up without an autoflush (`_get`): a consumed batch is one transaction, and a lookup
that flushed would write the rows of every signal before it one signal at a time (the
case, its alert, its deadlines). A case or alias this transaction opened and has not
written yet is found in what it opened; the rest come from the database, and what
they hold in this transaction is the session's (its identity map). Everything is written
together at commit, or at the first query elsewhere that flushes.

A consumed batch reads ahead (`read_ahead`): the cases and aliases its signals may belong
to, in one query per table, so `_get` finds them in the session, or knows they are not
there, without a query per signal.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Callable, Iterable, TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.persistence.any_of import any_of
from shared.persistence.new_rows import new_row
from shared.persistence.per_transaction import remembered
from services.triage.assessment import Location
from services.triage.case.received import Signal
from services.triage.domain.case import CaseState
from services.triage.domain.case_key import choose_case_key
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseAlias, HouseholdCase
from services.triage.timeline import note


async def case_for(
    session: AsyncSession, pseudonym: Callable[[str], str], signal: Signal, location: Location | None, now: datetime
) -> tuple[HouseholdCase, bool]:
    """The case this signal belongs to, and whether this signal opened it (nothing of it
    is stored yet: no reports, no requests to look for)."""
    case_key = await _case_key(session, pseudonym, signal, location, now)
    case = await _get(session, HouseholdCase, case_key)
    if case is not None:
        return case, False
    municipality = signal.data.municipality_code
    opened = new_row(  # built directly: the constructor sets each of its 36 columns twice over (docs/adr/0053)
        HouseholdCase, case_key=case_key, municipality_code=municipality, state=CaseState.SIGNALLED, opened_at=now, updated_at=now
    )
    _opened_in_this_transaction(session)[(HouseholdCase, case_key)] = opened  # the caller adds it to the session
    return opened, True


async def _case_key(
    session: AsyncSession, pseudonym: Callable[[str], str], signal: Signal, location: Location | None, now: datetime
) -> str:
    """The case's key; the alias recorded when it is new."""
    signal_key = signal.key
    dwelling_key = _dwelling_key(pseudonym, location)
    alias = await _get(session, CaseAlias, signal_key) if dwelling_key != signal_key else None
    choice = choose_case_key(signal_key, dwelling_key, alias.case_key if alias else None)
    if choice.new_alias:
        await _record_alias(session, alias, signal, choice.case_key, now)
    elif choice.case_key != signal_key:
        note(session, choice.case_key, now, TimelineKind.JOINED, signal.event_id, {"signal_key": signal_key, "how": choice.how})
    elif location is not None and location.reason is not None:
        note(session, signal_key, now, TimelineKind.UNLOCATED, signal.event_id, {"reason": location.reason})
    return choice.case_key


def _dwelling_key(pseudonym: Callable[[str], str], location: Location | None) -> str | None:
    object_id = location.object_id if location is not None else None
    return pseudonym(object_id) if object_id else None


async def read_ahead(
    session: AsyncSession, pseudonym: Callable[[str], str], signals: Iterable[tuple[Signal, Location | None]]
) -> None:
    """Read the cases and aliases these signals may belong to, one query per table (this
    module's docstring): those found stay in the session, the keys not found are remembered."""
    cases: set[str] = set()
    aliases: set[str] = set()
    for signal, location in signals:
        dwelling_key = _dwelling_key(pseudonym, location)
        cases.update(key for key in (signal.key, dwelling_key) if key)
        if dwelling_key != signal.key:
            aliases.add(signal.key)
    await _read_ahead(session, HouseholdCase, cases)
    await _read_ahead(session, CaseAlias, aliases)


async def _read_ahead(session: AsyncSession, table: type[Row], keys: set[str]) -> None:
    if not keys:
        return
    key = _key_column(table)
    with session.no_autoflush:
        rows = (await session.exec(_rows_with_keys(table, session.bind.dialect.name), params={"keys": sorted(keys)})).all()
    found = {getattr(row, key.name) for row in rows}
    absent = _absent_in_this_transaction(session)
    absent.update({(table, missing): True for missing in keys - found})


def _key_column(table: type[Row]):
    return table.__table__.primary_key.columns.values()[0]


@cache
def _rows_with_keys(table: type[Row], dialect: str):
    """The rows whose key is one of `:keys`; built once, one statement for any batch (docs/adr/0058)."""
    return select(table).where(any_of(col(_key_column(table)), "keys", dialect))


async def _record_alias(session: AsyncSession, alias: CaseAlias | None, signal: Signal, case_key: str, now: datetime) -> None:
    if alias is None:
        alias = CaseAlias(alias_key=signal.key, case_key=case_key, recorded_at=now)
        _opened_in_this_transaction(session)[(CaseAlias, signal.key)] = alias
    alias.case_key, alias.recorded_at = case_key, now
    session.add(alias)
    note(session, case_key, now, TimelineKind.JOINED, signal.event_id, {
        "signal_key": signal.key, "reason": "signalled by postcode address; the register told the dwelling",
    })  # fmt: skip
    if await _get(session, HouseholdCase, signal.key) is not None:
        # Opened on the postcode key while the dwelling was unknown: not merged, pointed onwards.
        note(session, signal.key, now, TimelineKind.JOINED, signal.event_id, {"continued_in": case_key})


Row = TypeVar("Row", HouseholdCase, CaseAlias)
_OPENED = "cases and aliases opened"  # key in Session.info: (transaction, {(table class, key): row})
_ABSENT = "cases and aliases not there"  # read ahead and not found: (transaction, {(table class, key): True})


async def _get(session: AsyncSession, table: type[Row], key: str) -> Row | None:
    """The row with this key: one this transaction opened, else the database's, read without
    flushing what the transaction holds (this module's docstring)."""
    opened = _opened_in_this_transaction(session).get((table, key))
    if opened is not None:
        return opened
    if (table, key) in _absent_in_this_transaction(session):
        return None
    with session.no_autoflush:
        return await session.get(table, key)


def _opened_in_this_transaction(session: AsyncSession) -> dict[tuple[type, str], HouseholdCase | CaseAlias]:
    return remembered(session, _OPENED)


def _absent_in_this_transaction(session: AsyncSession) -> dict[tuple[type, str], bool]:
    return remembered(session, _ABSENT)
