"""Who must act on a signal: ordered rules, first match wins, every decision traced.

Rules are data (rules/*.yaml), validated when loaded (see services.triage.rules).
`route` is pure: it reads no clock and no database, so "why did this go there?"
can be answered from its inputs, which the case stores next to the decision.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from shared.contracts.events.triage import AlertKind, Priority

ANY_MUNICIPALITY = "*"


class FamilyCondition(StrEnum):
    YES = "yes"  # the register (or the people at the door) show a family
    NO = "no"  # known not to be a family
    YES_OR_UNKNOWN = "yes_or_unknown"  # a family, or composition unknown: act as if it were


@dataclass(frozen=True)
class SignalFacts:
    """What routing may know about a signal: no person, no address."""

    signal_type: str  # short name, e.g. "arrears.reported"
    municipality_code: str
    district: str | None
    observed_on: date
    arrears_months: int | None = None
    grounds: str | None = None
    last_chance: bool = False
    outcome: str | None = None
    eviction_date: date | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    is_family: bool | None
    persons: int
    minors: int


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    municipality: str
    signal_types: frozenset[str]
    recipient: str | None  # None: record on the case, alert no one
    kind: AlertKind = AlertKind.PREVENTION
    priority: Priority = Priority.NORMAL
    due_hours: int = 24 * 14
    family: FamilyCondition | None = None
    min_arrears_months: int | None = None
    grounds: frozenset[str] | None = None
    outcomes: frozenset[str] | None = None
    last_chance: bool | None = None
    district_recipients: tuple[tuple[str, str], ...] = ()

    def matches(self, signal: SignalFacts, household: HouseholdFacts) -> bool:
        return (
            self.municipality in (ANY_MUNICIPALITY, signal.municipality_code)
            and signal.signal_type in self.signal_types
            and _family_matches(self.family, household.is_family)
            and (self.min_arrears_months is None or (signal.arrears_months or 0) >= self.min_arrears_months)
            and (self.grounds is None or signal.grounds in self.grounds)
            and (self.outcomes is None or signal.outcome in self.outcomes)
            and (self.last_chance is None or signal.last_chance == self.last_chance)
        )

    def recipient_for(self, district: str | None) -> str | None:
        return dict(self.district_recipients).get((district or "").lower(), self.recipient)


@dataclass(frozen=True)
class Decision:
    rule_id: str
    recipient: str | None
    kind: AlertKind
    priority: Priority
    due: datetime
    reason: str
    trace: dict

    @property
    def alerts(self) -> bool:
        return self.recipient is not None


def route(signal: SignalFacts, household: HouseholdFacts, rules: tuple[Rule, ...], now: datetime) -> Decision | None:
    """The first rule that matches decides; None when no rule matches (the case records that)."""
    for rule in rules:
        if rule.matches(signal, household):
            return Decision(
                rule_id=rule.id,
                recipient=rule.recipient_for(signal.district),
                kind=rule.kind,
                priority=rule.priority,
                due=_due(rule, signal, now),
                reason=rule.description,
                trace={"rule": rule.id, "signal": _jsonable(asdict(signal)), "household": asdict(household)},
            )
    return None


def _family_matches(condition: FamilyCondition | None, is_family: bool | None) -> bool:
    if condition is None:
        return True
    if condition is FamilyCondition.YES:
        return is_family is True
    if condition is FamilyCondition.NO:
        return is_family is False
    return is_family is not False


def _due(rule: Rule, signal: SignalFacts, now: datetime) -> datetime:
    due = now + timedelta(hours=rule.due_hours)
    if signal.eviction_date is not None:
        # Never later than the morning before the eviction.
        day_before = datetime.combine(signal.eviction_date - timedelta(days=1), time(8, 0), tzinfo=now.tzinfo)
        due = min(due, max(day_before, now))
    return due


def _jsonable(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}
