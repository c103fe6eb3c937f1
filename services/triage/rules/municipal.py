"""A municipality's own routing rules, the document its functional administrator manages
(services.triage.rules.versions keeps its versions), and what is wrong with one.

The document is `{"rules": [...]}`: the municipality's rules in order, each in the shape of
a rule in `rules/default.yaml` (`RuleSpec`), each with the municipality's own code. The
`*` fallback rules, the placement leads, the report escalation and the yearly capacities
stay in the rules file: they are the chain's, not one municipality's. A signal is decided
by the municipality's published rules first, then by the fallback.

Every problem names the rule (its id, or `rules[N]` when it has none) and the field, so
the administrator finds it: `RuleProblem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.organisations import Organisations
from services.triage.domain.routing import Rule
from services.triage.rules import RuleSpec, rule_problems


class MunicipalRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[RuleSpec] = Field(min_length=1, max_length=500, description="the municipality's rules, in order: the first that matches decides")

    def to_rules(self) -> tuple[Rule, ...]:
        return tuple(spec.to_rule() for spec in self.rules)


@dataclass(frozen=True)
class RuleProblem:
    rule: str  # the rule's id, or `rules[N]` (its place) when it has no usable id
    field: str  # the field of the rule, dotted (`district_recipients.centrum`); `rules` for the list itself
    reason: str

    @property
    def path(self) -> list[str | int]:
        """The field as a location (list positions as numbers), as validation errors name fields."""
        return [int(part) if part.isdigit() else part for part in self.field.split(".")]


def check(
    municipality_code: str, document: object, organisations: Organisations, fallback_ids: frozenset[str] = frozenset()
) -> tuple[MunicipalRules | None, list[RuleProblem]]:
    """The parsed document and its problems (none: it may be stored and published)."""
    try:
        parsed = MunicipalRules.model_validate(document)
    except ValidationError as exc:
        return None, [_problem(error, document) for error in exc.errors()]
    problems = [RuleProblem(rule, field, reason) for rule, field, reason in rule_problems(parsed.rules, organisations)]
    for spec in parsed.rules:
        if spec.municipality != municipality_code:
            reason = f"must be {municipality_code}: a municipality's rules are its own (the '*' fallback is the rules file's)"
            problems.append(RuleProblem(spec.id, "municipality", reason))
        if spec.id in fallback_ids:
            problems.append(RuleProblem(spec.id, "id", "already the id of a fallback rule in the rules file"))
    return parsed, problems


def _problem(error: dict, document: object) -> RuleProblem:
    loc = list(error["loc"])
    if len(loc) < 2 or loc[0] != "rules" or not isinstance(loc[1], int):
        return RuleProblem("", ".".join(map(str, loc)) or "rules", _reason(error))
    index, rest = loc[1], [str(part) for part in loc[2:]]
    field = ".".join(rest) or _field_named_in(error["msg"])
    return RuleProblem(_rule_name(document, index), field, _reason(error))


def _rule_name(document: object, index: int) -> str:
    try:
        rule_id = document["rules"][index]["id"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        rule_id = None
    return rule_id if isinstance(rule_id, str) and re.fullmatch(r"[a-z0-9\-]+", rule_id) else f"rules[{index}]"


def _field_named_in(message: str) -> str:
    """A check across fields (RuleSpec's model validator) names its field in its message."""
    words = re.findall(r"[a-z_]+", message)
    return next((word for word in words if word in RuleSpec.model_fields), "rule")


def _reason(error: dict) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def rule_document(rule: Rule) -> dict:
    """A rule as its document (RuleSpec's shape): how the file's rules become version 1."""
    document = {
        "id": rule.id, "description": rule.description, "municipality": rule.municipality,
        "signal_types": sorted(rule.signal_types), "recipient": rule.recipient,
        "kind": rule.kind.value, "priority": rule.priority.value, "due_hours": rule.due_hours,
        "family": rule.family.value if rule.family else None, "min_arrears_months": rule.min_arrears_months,
        "grounds": sorted(rule.grounds) if rule.grounds is not None else None,
        "outcomes": sorted(rule.outcomes) if rule.outcomes is not None else None,
        "last_chance": rule.last_chance, "district_recipients": dict(rule.district_recipients),
        "also": list(rule.also), "intermediate_report_days": rule.intermediate_report_days,
        "final_report_days": rule.final_report_days, "suspends_collection": rule.suspends_collection,
    }  # fmt: skip
    return {name: value for name, value in document.items() if value is not None or name == "recipient"}
