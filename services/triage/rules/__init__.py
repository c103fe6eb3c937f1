"""Routing rules as data: load and validate (unknown recipients, duplicates, unreachable rules).

Besides the rules, the file names per municipality who leads until a shelter
place is confirmed (`placement_leads`, the GGD: also who gets the urgent
"eviction near, no prevention contact" alert) and who is told when a team's
report stays overdue after the reminder (`report_escalation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.contracts import districts
from shared.contracts.fields import Text
from shared.contracts.event_types import SignalType
from shared.contracts.events.signals import Concern
from shared.contracts.events.triage import AlertKind, Priority
from shared.organisations import Organisations, Role
from services.triage.domain.feedback import FINAL_REPORT_SIGNAL
from services.triage.domain.routing import ANY_MUNICIPALITY, PLACEHOLDERS, FamilyCondition, Rule

DEFAULT_RULES = Path(__file__).parent / "default.yaml"
# What a rule may name: a partner's signal, or a team's final report (routed on its outcome).
SIGNAL_TYPES = frozenset({*SignalType, FINAL_REPORT_SIGNAL})
RECIPIENT_ROLES = frozenset({Role.PREVENTION_TEAM, Role.GGD, Role.CORPORATION})


class InvalidRules(ValueError):
    pass


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Text(64, pattern=r"^[a-z0-9\-]+$")
    description: Text(500, min_length=1)
    municipality: str = Field(pattern=r"^(\d{4}|\*)$")
    signal_types: list[Text(64)] = Field(min_length=1, max_length=20)
    recipient: Text(100) | None
    kind: AlertKind = AlertKind.PREVENTION
    priority: Priority = Priority.NORMAL
    due_hours: int = Field(336, ge=0, le=24 * 365)
    family: FamilyCondition | None = None
    min_arrears_months: int | None = Field(None, ge=1)
    grounds: list[Text(64)] | None = Field(None, max_length=20)
    outcomes: list[Text(64)] | None = Field(None, max_length=20)
    last_chance: bool | None = None
    concerns: list[Concern] | None = Field(None, min_length=1, description="a report of concern naming any of these")
    district_recipients: dict[Text(64), Text(100)] = Field({}, max_length=50)
    also: list[Text(100)] = Field(default=[], max_length=20, description="more organisations (or @signaller / @corporation) told")
    intermediate_report_days: int | None = Field(None, ge=1, le=365)
    final_report_days: int | None = Field(None, ge=1, le=365)
    suspends_collection: bool = False

    @model_validator(mode="after")
    def _reports_in_order(self) -> RuleSpec:
        if self.recipient is None and (self.also or self.intermediate_report_days or self.final_report_days):
            raise ValueError("a rule without a recipient cannot have copies or reports")
        if self.suspends_collection and self.final_report_days is None:
            raise ValueError("suspends_collection needs final_report_days: the suspension lasts until the final report")
        if (
            self.intermediate_report_days is not None
            and self.final_report_days is not None
            and self.intermediate_report_days >= self.final_report_days
        ):
            raise ValueError("intermediate_report_days must come before final_report_days")
        return self

    @field_validator("signal_types")
    @classmethod
    def _known_types(cls, values: list[str]) -> list[str]:
        unknown = sorted(set(values) - SIGNAL_TYPES)
        if unknown:
            raise ValueError(f"unknown signal types {unknown}")
        return values

    def to_rule(self) -> Rule:
        return Rule(
            id=self.id,
            description=self.description,
            municipality=self.municipality,
            signal_types=frozenset(self.signal_types),
            recipient=self.recipient,
            kind=self.kind,
            priority=self.priority,
            due_hours=self.due_hours,
            family=self.family,
            min_arrears_months=self.min_arrears_months,
            grounds=frozenset(self.grounds) if self.grounds is not None else None,
            outcomes=frozenset(self.outcomes) if self.outcomes is not None else None,
            last_chance=self.last_chance,
            concerns=frozenset(self.concerns) if self.concerns is not None else None,
            district_recipients=tuple((k.lower(), v) for k, v in self.district_recipients.items()),
            also=tuple(self.also),
            intermediate_report_days=self.intermediate_report_days,
            final_report_days=self.final_report_days,
            suspends_collection=self.suspends_collection,
        )


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    placement_leads: dict[str, str]
    report_escalation: dict[str, str] = {}
    yearly_capacity: dict[str, int] = Field(
        default={}, description="referrals a team can take per calendar year; more are still sent, marked as overflow"
    )
    rules: list[RuleSpec] = Field(min_length=1)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    placement_leads: dict[str, str]
    report_escalation: dict[str, str] = field(default_factory=dict)
    yearly_capacity: dict[str, int] = field(default_factory=dict)

    def placement_lead(self, municipality_code: str) -> str:
        return self.placement_leads.get(municipality_code, self.placement_leads[ANY_MUNICIPALITY])

    def urgent_recipient(self, municipality_code: str) -> str:
        """The GGD that leads when a family is about to lose its home: the placement lead."""
        return self.placement_lead(municipality_code)

    def escalation_for(self, municipality_code: str, team: str) -> str | None:
        """Who is told when `team` stays silent after a reminder; None when only the team itself is configured."""
        table = self.report_escalation or self.placement_leads
        for candidate in (table.get(municipality_code), table.get(ANY_MUNICIPALITY)):
            if candidate is not None and candidate != team:
                return candidate
        return None


def load_rules(path: Path, organisations: Organisations) -> RuleSet:
    try:
        document = RuleFile.model_validate(yaml.safe_load(path.read_text()))
    except (ValidationError, yaml.YAMLError) as exc:
        raise InvalidRules(f"{path}: {exc}") from None
    return validate(document, organisations)


def validate(document: RuleFile, organisations: Organisations) -> RuleSet:
    problems = [f"rule {rule}: {reason}" for rule, _field, reason in rule_problems(document.rules, organisations)]
    for team, capacity in document.yearly_capacity.items():
        if organisations.get(team) is None:
            problems.append(f"yearly capacity for unknown organisation {team!r}")
        if capacity < 1:
            problems.append(f"yearly capacity of {team!r} must be at least 1")
    for municipality, lead in document.placement_leads.items():
        if organisations.get(lead) is None:
            problems.append(f"placement lead for {municipality}: unknown organisation {lead!r}")
    for municipality, target in document.report_escalation.items():
        organisation = organisations.get(target)
        if organisation is None or organisation.role not in RECIPIENT_ROLES:
            problems.append(f"report escalation for {municipality}: {target!r} is not a team that acts")
    if ANY_MUNICIPALITY not in document.placement_leads:
        problems.append("placement_leads needs a '*' entry")
    if problems:
        raise InvalidRules("; ".join(problems))
    return RuleSet(
        rules=tuple(spec.to_rule() for spec in document.rules),
        placement_leads=document.placement_leads,
        report_escalation=document.report_escalation,
        yearly_capacity=document.yearly_capacity,
    )


def rule_problems(specs: list[RuleSpec], organisations: Organisations) -> list[tuple[str, str, str]]:
    """What is wrong with rules that are each well-formed: (rule id, field, reason) per problem."""
    problems: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            problems.append((spec.id, "id", "duplicate id"))
        seen.add(spec.id)
        for district in spec.district_recipients:
            if not districts.is_known(spec.municipality, district):
                reason = f"district_recipients names {district!r}, not a district code of {spec.municipality}"
                problems.append((spec.id, f"district_recipients.{district}", reason))
        named = [("recipient", spec.recipient)] + [(f"district_recipients.{d}", r) for d, r in spec.district_recipients.items()]
        named += [(f"also.{index}", name) for index, name in enumerate(spec.also)]
        for field_name, recipient in named:
            if recipient is None or recipient in PLACEHOLDERS:
                continue
            organisation = organisations.get(recipient)
            if organisation is None:
                problems.append((spec.id, field_name, f"unknown recipient {recipient!r}"))
            elif organisation.role not in RECIPIENT_ROLES:
                problems.append((spec.id, field_name, f"{recipient!r} is a {organisation.role}, not a team that acts"))
    return problems
