"""Facts, profiles and how they join, whatever order the topics deliver them in.

A *fact* is one thing to count (metric, outcome, period). Some facts carry all they
need; others lack where (a prevention report names an alert, not a municipality) or
whether a family was involved (a signal: triage decides that, on another topic). Such
a fact names a *join key* (the signal, alert or placement request it belongs to), and
the event that describes that signal, alert or request offers a *profile* for the key.

Kafka keeps order per topic and key, not across topics, and a rebuild may read one
topic long before another. So the rule is order-free: a fact is counted at once with
what it knows (family "unknown" until a profile says otherwise; not at all while its
municipality is unknown) and is *moved* to its final cell when the profile arrives.
The first profile offered for a key is the one that counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from services.monitor.domain.period import Period


class Family(StrEnum):
    FAMILY = "family"
    NO_FAMILY = "no_family"
    UNKNOWN = "unknown"  # the register could not tell, or the assessment has not arrived (yet)


ALL_FAMILIES = "all"  # the sum over the three, computed before suppression


def family_of(is_family: bool | None) -> Family:
    if is_family is None:
        return Family.UNKNOWN
    return Family.FAMILY if is_family else Family.NO_FAMILY


class JoinKind(StrEnum):
    SIGNAL = "signal"  # one fact per signal: its profile is used once, then dropped
    ALERT = "alert"  # prevention reports, acknowledgements, escalations of one alert
    REQUEST = "request"  # every placement event of one request


SINGLE_USE = frozenset({JoinKind.SIGNAL})


@dataclass(frozen=True)
class JoinKey:
    kind: JoinKind
    id: UUID

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @property
    def single_use(self) -> bool:
        return self.kind in SINGLE_USE


@dataclass(frozen=True)
class Location:
    municipality_code: str
    district: str = ""


@dataclass(frozen=True)
class Profile:
    """What the chain said about the household behind a join key."""

    location: Location
    family: Family


@dataclass(frozen=True)
class Fact:
    metric: str
    outcome: str
    period: Period
    location: Location | None = None  # None: taken from the profile
    family: Family | None = None  # None: taken from the profile, "unknown" until then
    join: JoinKey | None = None


@dataclass(frozen=True, order=True)
class Cell:
    """One counter: never a case, person or household, only where, when and what."""

    municipality_code: str
    district: str
    year: int
    month: int
    metric: str
    outcome: str
    family: str


@dataclass(frozen=True)
class Reading:
    """What one event contributes: facts to count and profiles for join keys."""

    facts: tuple[Fact, ...] = ()
    profiles: tuple[tuple[JoinKey, Profile], ...] = ()


def resolve(fact: Fact, profile: Profile | None) -> Cell | None:
    """The cell `fact` counts in, knowing `profile` (or nothing yet); None: not countable yet.

    The event's own location wins over the profile's: a signal counts where it was
    observed, even if the household's case was opened elsewhere."""
    location = fact.location or (profile.location if profile else None)
    if location is None:
        return None
    family = fact.family or (profile.family if profile else Family.UNKNOWN)
    return Cell(
        municipality_code=location.municipality_code,
        district=location.district,
        year=fact.period.year,
        month=fact.period.month,
        metric=fact.metric,
        outcome=fact.outcome,
        family=family.value,
    )


def rejoin(fact: Fact, profile: Profile) -> list[tuple[Cell, int]]:
    """The counter changes when `profile` arrives for a fact counted without it."""
    before, after = resolve(fact, None), resolve(fact, profile)
    if before == after:
        return []
    changes = [] if before is None else [(before, -1)]
    return changes + ([] if after is None else [(after, +1)])
