"""The family across addresses, in the signal's transaction: the persons the register
look-up found, recorded on the case as pseudonyms; the links to earlier cases that saw
any of them first, each a line on the timeline (a code and a count: no names, not even the
earlier case's key, which only `case_link` holds while the earlier case exists); and the day
the household lost its home here. The rules: services.triage.domain.family."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.events.triage import RepeatEviction
from shared.persistence.appends import append, read_back
from services.triage.case.received import Signal
from services.triage.domain.family import HomeNews, Sighting, evicted_on_after, home_news, links_for, repeats
from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseLink, CasePerson, HouseholdCase
from services.triage.timeline import note

LINKED_CODE = "earlier_case_of_the_family"  # at least one person in common (domain.family)
CASE_PERSONS = CasePerson.__table__
read_back(CASE_PERSONS)


async def follow(
    session: AsyncSession, case: HouseholdCase, signal: Signal, persons: frozenset[str], now: datetime, *, opened_now: bool
) -> tuple[RepeatEviction, ...]:
    """Record the persons and the links; what the monitor may count of it (domain.family.repeats).
    A signal about persons the case knows, and no eviction, costs one query; the signal that
    opened the case knows nobody was recorded on it yet, and asks nothing for that."""
    news = home_news(signal.type, signal.outcome)
    case.evicted_on = evicted_on_after(case.evicted_on, news, signal.reference_date)
    new = await _new_persons(session, case.case_key, persons, now, opened_now)
    sightings = await _sightings(session, case.case_key, new) if new else []
    if not sightings and news is not HomeNews.LOST:
        return ()
    before = list((await session.exec(select(CaseLink).where(CaseLink.case_key == case.case_key))).all())
    evicted_link_before = any(link.earlier_evicted_on for link in before)
    links = links_for(case.case_key, new, sightings, [link.earlier_case_key for link in before])
    for link in links:
        session.add(CaseLink(case_key=case.case_key, earlier_case_key=link.earlier_case_key, linked_at=now,
                             shared_persons=link.shared_persons, earlier_evicted_on=link.earlier_evicted_on))  # fmt: skip
        # Codes and a count only: which case it is lives in case_link, which goes with the earlier
        # case (retention); the timeline is never edited, so it must not name it.
        summary = {"link": LINKED_CODE, "shared_persons": link.shared_persons, "earlier_eviction": bool(link.earlier_evicted_on)}
        note(session, case.case_key, now, TimelineKind.LINKED, signal.event_id, summary)
    evicted_before = evicted_link_before or any(link.earlier_evicted_on for link in links)
    return repeats(news, evicted_before, evicted_link_before)


async def _new_persons(
    session: AsyncSession, case_key: str, persons: frozenset[str], now: datetime, opened_now: bool
) -> frozenset[str]:
    """The persons this case sees for the first time, recorded (appended rows, read back by
    the queries of later signals in the batch: shared.persistence.appends)."""
    if not persons:
        return frozenset()
    known = set() if opened_now else await _recorded_persons(session, case_key)
    new = persons - known
    for person in sorted(new):
        append(session, CASE_PERSONS, {"case_key": case_key, "person": person, "seen_at": now})
    return new


async def _recorded_persons(session: AsyncSession, case_key: str) -> set[str]:
    return set((await session.exec(select(CasePerson.person).where(CasePerson.case_key == case_key))).all())


async def _sightings(session: AsyncSession, case_key: str, persons: frozenset[str]) -> list[Sighting]:
    """Other cases that saw any of these persons, and whether each saw the household evicted."""
    query = (
        select(CasePerson.case_key, CasePerson.person, HouseholdCase.evicted_on)
        .join(HouseholdCase, col(HouseholdCase.case_key) == col(CasePerson.case_key))
        .where(col(CasePerson.person).in_(sorted(persons)), CasePerson.case_key != case_key)
    )
    return [Sighting(key, person, evicted_on) for key, person, evicted_on in (await session.exec(query)).all()]
