"""The family rule: is the household behind a signal a family with children?

The study's definition (docs/domain.md#what-counts-as-a-family): "a household of two or more persons of
whom at least one is a child under the age of 18". Triage applies it to the
people the population register lists at the dwelling, on a reference date the
caller chooses (the eviction date, or the day the signal was observed), never
on "today": an assessment must give the same answer when it is replayed.

This module is pure (no I/O, no clock) so the rule can be tested on its own and
trusted when it is cited in an alert. Assumptions, where the definition is silent:

* Household = the persons registered as living at the dwelling. Persons with a
  postal address only (briefadres) are not in it; that is the register's job.
* Age is counted in whole years. A child turns 18 on the 18th birthday, so on
  that day it is no longer a minor. Someone born on 29 February turns a year
  older on 1 March in a non-leap year.
* A partial birth date (the register writes 00 for an unknown month or day)
  means any day in that month or year. Minor status is decided when every
  possible birth day gives the same answer; otherwise it is undecidable. A
  missing or wholly unknown birth date is undecidable too.
* `is_family` is None when the undecidable persons could change the answer:
  two adults with one undecidable person might be a family; once one certain
  minor lives with someone else, the household is a family whatever the rest is.
* `minor_ages` lists the certain minors' ages, youngest possible age when the
  birth date is partial (reason "minor_age_approximate"). A person not yet born
  on the reference date is counted as age 0.
* Possible residents (BRP Bewoning: a partial move-in or move-out date leaves
  it open whether they lived there) are not counted, but when including them
  could change the answer, `is_family` becomes None ("possible_residents").
* Secrecy (geheimhouding) does not change the composition: such a person still
  lives there and counts. It limits what may be passed on to third parties,
  which is the caller's concern (`Resident.secret`).
* `uncertain` lists what the register left open even when `is_family` is
  decided: with one certain minor and one undecidable person the household is a
  family, but `minors` is then a lower bound.
* An empty dwelling is not a family, but the register showing nobody deserves
  a note ("no_registered_residents"): sub-tenants and squatters, families among
  them, are often not registered where they live (docs/domain.md#families-the-register-does-not-show).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

ADULT_AGE = 18

BIRTH_DATE_PARTIAL = "birth_date_partial"
BIRTH_DATE_UNKNOWN = "birth_date_unknown"
MINOR_AGE_APPROXIMATE = "minor_age_approximate"
POSSIBLE_RESIDENTS = "possible_residents"
NO_REGISTERED_RESIDENTS = "no_registered_residents"
REGISTER_UNAVAILABLE = "register_unavailable"


@dataclass(frozen=True)
class PartialDate:
    """A date of which the month, or the month and day, may be unknown (None)."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def earliest(self) -> date | None:
        if self.year is None:
            return None
        month = self.month if self.month is not None else 1
        day = self.day if self.month is not None and self.day is not None else 1
        return date(self.year, month, day)

    def latest(self) -> date | None:
        if self.year is None:
            return None
        month = self.month if self.month is not None else 12
        if self.month is not None and self.day is not None:
            return date(self.year, month, self.day)
        return date(self.year, month, calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True)
class Resident:
    """What triage needs of a person at the dwelling: no BSN, no name. `person` is the
    keyed pseudonym that links cases of the same family (services.triage.brp.persons)."""

    birth_date: PartialDate | None
    secret: bool = False
    person: str | None = None


@dataclass(frozen=True)
class HouseholdAssessment:
    persons: int
    minors: int
    minor_ages: tuple[int, ...]
    is_family: bool | None
    uncertain: tuple[str, ...]


class _Age(Enum):
    MINOR = "minor"
    ADULT = "adult"
    UNDECIDED = "undecided"


def assess_household(
    residents: Iterable[Resident], on: date, *, possible_residents: Iterable[Resident] = ()
) -> HouseholdAssessment:
    """Apply the family rule on the reference date `on`."""
    residents, possible = list(residents), list(possible_residents)
    reasons: list[str] = []
    minor_ages: list[int] = []
    undecided = 0
    for resident in residents:
        status, ages = _classify(resident.birth_date, on)
        if status is _Age.MINOR:
            minor_ages.append(ages[0])
            if ages[0] != ages[1]:
                reasons.append(MINOR_AGE_APPROXIMATE)
        elif status is _Age.UNDECIDED:
            undecided += 1
            reasons.append(BIRTH_DATE_UNKNOWN if ages is None else BIRTH_DATE_PARTIAL)

    is_family = _rule(len(residents), len(minor_ages), undecided)
    if is_family is not True and possible:
        # Could the possible residents make it a family? Count the most they could add.
        possible_minors = sum(_classify(p.birth_date, on)[0] is not _Age.ADULT for p in possible)
        best_case = _rule(len(residents) + len(possible), len(minor_ages) + possible_minors, 0)
        if best_case is True:
            is_family = None
            reasons.append(POSSIBLE_RESIDENTS)
    if not residents:
        reasons.append(NO_REGISTERED_RESIDENTS)
    return HouseholdAssessment(
        persons=len(residents),
        minors=len(minor_ages),
        minor_ages=tuple(sorted(minor_ages)),
        is_family=is_family,
        uncertain=tuple(dict.fromkeys(reasons)),
    )


def unknown_composition() -> HouseholdAssessment:
    """The register could not be asked: nothing is known, so nothing is ruled out."""
    return HouseholdAssessment(
        persons=0, minors=0, minor_ages=(), is_family=None, uncertain=(REGISTER_UNAVAILABLE,)
    )


def _rule(persons: int, minors: int, undecided: int) -> bool | None:
    if persons < 2:
        return False
    if minors >= 1:
        return True
    return None if undecided else False


def _classify(birth: PartialDate | None, on: date) -> tuple[_Age, tuple[int, int] | None]:
    """Minor, adult or undecided on `on`, with the (youngest, oldest) possible age."""
    if birth is None or birth.year is None:
        return _Age.UNDECIDED, None
    youngest = max(_age(birth.latest(), on), 0)
    oldest = max(_age(birth.earliest(), on), 0)
    if oldest < ADULT_AGE:
        return _Age.MINOR, (youngest, oldest)
    if youngest >= ADULT_AGE:
        return _Age.ADULT, (youngest, oldest)
    return _Age.UNDECIDED, (youngest, oldest)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
