"""Who must act on a signal: ordered rules, first match wins, every decision traced.

Rules are data (rules/*.yaml), validated when loaded (see services.triage.rules).
`route` is pure: it reads no clock and no database, so "why did this go there?"
can be answered from its inputs, which the case stores next to the decision.

Besides the partners' signals, a prevention team's final report is routed the
same way (signal type `prevention.report-final`, its outcome as `outcome`), so
"not reached by the final report" is a rule like any other.

A recipient may be a role of the case rather than an organisation:
`@signaller` (whoever posted the signal) or `@corporation` (the housing
corporation that signalled about this dwelling). A rule whose recipient cannot
be resolved does not match; a copy that cannot be resolved is left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from shared.contracts.events.triage import AlertKind, Priority

ANY_MUNICIPALITY = "*"
SIGNALLER = "@signaller"
CORPORATION = "@corporation"
PLACEHOLDERS = frozenset({SIGNALLER, CORPORATION})


class FamilyCondition(StrEnum):
    YES = "yes"  # the register (or the people at the door) show a family
    NO = "no"  # known not to be a family
    YES_OR_UNKNOWN = "yes_or_unknown"  # a family, or composition unknown: act as if it were
    UNKNOWN = "unknown"  # the register could not tell (unreachable, undecidable, possible residents)


@dataclass(frozen=True)
class SignalFacts:
    """What routing may know about a signal: no person, no address."""

    signal_type: str  # a SignalType, or a team's final report (domain.feedback.FINAL_REPORT_SIGNAL)
    municipality_code: str
    district: str | None
    observed_on: date
    arrears_months: int | None = None
    grounds: str | None = None
    last_chance: bool = False
    outcome: str | None = None
    eviction_date: date | None = None
    reported_by: str | None = None  # organisation id of the signaller (for `@signaller`)
    corporation: str | None = None  # the corporation known on the case (for `@corporation`)
    concerns: tuple[str, ...] = ()  # what a report of concern is about (codes)


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
    concerns: frozenset[str] | None = None  # matches a report of concern naming any of these
    district_recipients: tuple[tuple[str, str], ...] = ()
    also: tuple[str, ...] = ()  # copies: more organisations told, same kind and priority
    intermediate_report_days: int | None = None  # the team reports back after this many days
    final_report_days: int | None = None
    suspends_collection: bool = False  # the signaller suspends collection until the final report

    def matches(self, signal: SignalFacts, household: HouseholdFacts) -> bool:
        return (
            self.municipality in (ANY_MUNICIPALITY, signal.municipality_code)
            and (self.recipient is None or resolve(self.recipient, signal) is not None)
            and signal.signal_type in self.signal_types
            and _family_matches(self.family, household.is_family)
            and (self.min_arrears_months is None or (signal.arrears_months or 0) >= self.min_arrears_months)
            and (self.grounds is None or signal.grounds in self.grounds)
            and (self.outcomes is None or signal.outcome in self.outcomes)
            and (self.last_chance is None or signal.last_chance == self.last_chance)
            and (self.concerns is None or not self.concerns.isdisjoint(signal.concerns))
        )

    def recipient_for(self, signal: SignalFacts) -> str | None:
        chosen = dict(self.district_recipients).get((signal.district or "").lower(), self.recipient)
        return resolve(chosen, signal) if chosen is not None else None

    def copies_for(self, signal: SignalFacts, recipient: str | None) -> tuple[str, ...]:
        resolved = (resolve(name, signal) for name in self.also)
        return tuple(dict.fromkeys(name for name in resolved if name is not None and name != recipient))


def resolve(recipient: str, signal: SignalFacts) -> str | None:
    """An organisation id, or the organisation a placeholder stands for on this signal (None: unknown)."""
    if recipient == SIGNALLER:
        return signal.reported_by
    if recipient == CORPORATION:
        return signal.corporation
    return recipient


@dataclass(frozen=True)
class Decision:
    rule_id: str
    recipient: str | None
    kind: AlertKind
    priority: Priority
    due: datetime
    reason: str
    trace: dict
    copies: tuple[str, ...] = ()
    intermediate_report_due: datetime | None = None
    final_report_due: datetime | None = None
    suspends_collection: bool = False

    @property
    def alerts(self) -> bool:
        return self.recipient is not None

    @property
    def recipients(self) -> tuple[str, ...]:
        """Everyone this decision alerts: the recipient first, then the copies."""
        return ((self.recipient,) if self.recipient else ()) + self.copies


def route(signal: SignalFacts, household: HouseholdFacts, rules: tuple[Rule, ...], now: datetime) -> Decision | None:
    """The first rule that matches decides; None when no rule matches (the case records that)."""
    for rule in rules:
        if rule.matches(signal, household):
            recipient = rule.recipient_for(signal)
            copies = rule.copies_for(signal, recipient) if recipient else ()
            return Decision(
                rule_id=rule.id,
                recipient=recipient,
                kind=rule.kind,
                priority=rule.priority,
                due=_due(rule, signal, now),
                reason=rule.description,
                trace={
                    "rule": rule.id,
                    "signal": _jsonable(asdict(signal)),
                    "household": asdict(household),
                    **({"copies": list(copies)} if copies else {}),
                },
                copies=copies,
                intermediate_report_due=_after_days(now, rule.intermediate_report_days) if recipient else None,
                final_report_due=_after_days(now, rule.final_report_days) if recipient else None,
                suspends_collection=rule.suspends_collection and recipient is not None,
            )
    return None


def _after_days(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now + timedelta(days=days)


def _family_matches(condition: FamilyCondition | None, is_family: bool | None) -> bool:
    if condition is None:
        return True
    if condition is FamilyCondition.YES:
        return is_family is True
    if condition is FamilyCondition.NO:
        return is_family is False
    if condition is FamilyCondition.UNKNOWN:
        return is_family is None
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
