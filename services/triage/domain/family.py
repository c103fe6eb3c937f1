"""The family, not the dwelling: which earlier cases a case is linked to, and what the
link tells the monitor (docs/adr/0038-the-family-across-addresses.md).

A case knows the persons the register listed at its dwelling only as keyed pseudonyms
(services.triage.brp.persons). "The same family" is: at least one person in common. A
family that loses its home often splits (a parent not admitted to the shelter, children
with grandparents, §8.1 of the report), and children are born: asking for all persons,
or most of them, would lose exactly the families the link is for. A professional reads
how many persons the cases share and judges.

Direction: when a case sees a person for the first time, it links to every other case
that saw that person before it. The earlier case is not changed by the link.

Pure: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts.event_types import SignalType
from shared.contracts.events.triage import RepeatEviction

# The household lost its home at the dwelling: evicted, gone before the bailiff came, or
# found at the door of an eviction.
_HOME_LOST_OUTCOMES = frozenset({"evicted", "left_unknown_destination"})
# The eviction of that day did not happen after all.
_REVERSED_OUTCOMES = frozenset({"paid_at_door", "not_executed"})


class HomeNews(StrEnum):
    LOST = "lost"
    REVERSED = "reversed"


@dataclass(frozen=True)
class Sighting:
    """An earlier case that recorded one of the persons, and whether it saw the household evicted."""

    case_key: str
    person: str
    evicted_on: date | None = None


@dataclass(frozen=True)
class Link:
    earlier_case_key: str
    shared_persons: int
    earlier_evicted_on: date | None


def links_for(
    case_key: str, new_persons: Iterable[str], sightings: Iterable[Sighting], already_linked: Iterable[str] = ()
) -> list[Link]:
    """The earlier cases this case links to now: those sharing at least one of the persons
    it sees for the first time, not itself, not already linked; in key order."""
    persons = frozenset(new_persons)
    skip = frozenset(already_linked) | {case_key}
    shared: dict[str, set[str]] = {}
    evicted: dict[str, date | None] = {}
    for sighting in sightings:
        if sighting.person in persons and sighting.case_key not in skip:
            shared.setdefault(sighting.case_key, set()).add(sighting.person)
            evicted[sighting.case_key] = sighting.evicted_on
    return [Link(key, len(shared[key]), evicted[key]) for key in sorted(shared)]


def home_news(signal_type: str, outcome: str | None) -> HomeNews | None:
    """What a signal says about the household's home at this dwelling."""
    if signal_type == SignalType.FAMILY_FOUND:
        return HomeNews.LOST
    if signal_type == SignalType.EVICTION_EXECUTED and outcome in _HOME_LOST_OUTCOMES:
        return HomeNews.LOST
    if signal_type == SignalType.EVICTION_CANCELLED or (
        signal_type == SignalType.EVICTION_EXECUTED and outcome in _REVERSED_OUTCOMES
    ):
        return HomeNews.REVERSED
    return None


def evicted_on_after(current: date | None, news: HomeNews | None, day: date) -> date | None:
    """The day the household was last evicted from this dwelling, after the signal of `day`:
    a reversal undoes only the eviction of that same day (a family found at the door, then
    paid at the door)."""
    if news is HomeNews.LOST:
        return max(day, current) if current else day
    if news is HomeNews.REVERSED and current == day:
        return None
    return current


def repeats(news: HomeNews | None, evicted_before: bool, evicted_link_before: bool) -> tuple[RepeatEviction, ...]:
    """What the monitor counts for this signal (never who, never which case):
    `signalled_again` once, with the signal that first links the case to an earlier case
    that saw the household evicted; `evicted_again` with each eviction of a household
    an earlier case saw evicted."""
    found: list[RepeatEviction] = []
    if evicted_before and not evicted_link_before:
        found.append(RepeatEviction.SIGNALLED_AGAIN)
    if evicted_before and news is HomeNews.LOST:
        found.append(RepeatEviction.EVICTED_AGAIN)
    return tuple(found)
