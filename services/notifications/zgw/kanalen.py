"""The chain's kanalen, the kenmerken each notificatie carries, and the filters an
abonnement may set on them (pure; docs/adr/0019).

| kanaal | events (`gebeurtenis`) | resource | actie |
|---|---|---|---|
| `signaalketen-alerts` | alert.raised, alert.escalated | `alert` | `create`, `update` |
| `signaalketen-placement` | placement.waitlisted, .offered, .confirmed, .declined, .lost-from-view, .ended, .withdrawal-handled, .plan-reminder, .plan-overdue, .plan-made, .rest-admitted | `placement-request` | `update` |

Every notificatie carries the same three kenmerken, all privacy-poor: the case
pseudonym (`casusPseudoniem`, the CloudEvent subject), the municipality's CBS code
(`gemeentecode`) and the chain's short event name (`gebeurtenis`). Nothing else can be
filtered on, so no abonnement can hold a BSN, a name or an address.

Matching is Open Notificaties': an abonnement lists filter groups (a kanaal and its
filters); a notificatie goes to it when one group names the notificatie's kanaal and
every filter of that group equals the notificatie's kenmerk or is `*`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from shared.contracts import event_types

WILDCARD = "*"
KANAAL_NAMESPACE = UUID("6b1c8f52-8a7e-5d0c-9a3e-0c9f4d7e2b61")  # uuid5 names of kanalen: stable across deployments


class Kenmerk(StrEnum):
    CASE = "casusPseudoniem"
    MUNICIPALITY = "gemeentecode"
    EVENT = "gebeurtenis"


KENMERKEN = tuple(kenmerk.value for kenmerk in Kenmerk)
PATTERNS = {
    Kenmerk.CASE: re.compile(r"[a-z]{2}-[0-9a-f]{16,64}"),
    Kenmerk.MUNICIPALITY: re.compile(r"[0-9]{4}"),
}
VALUE_RULES = {
    Kenmerk.CASE: "must be a case pseudonym (two letters, '-', 16 to 64 hexadecimal digits) or '*'",
    Kenmerk.MUNICIPALITY: "must be a municipality's four-digit CBS code or '*'",
}
NAMEABLE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,39}")  # a key this short and plain may be echoed in an error


@dataclass(frozen=True)
class Kanaal:
    naam: str
    resource: str
    acties: Mapping[str, str]  # CloudEvent type -> actie
    summary: str

    @property
    def uuid(self) -> UUID:
        return uuid5(KANAAL_NAMESPACE, self.naam)

    @property
    def events(self) -> tuple[str, ...]:
        """The `gebeurtenis` values of this kanaal: the chain's short event names."""
        return tuple(event_types.short_name(event_type) for event_type in self.acties)


ALERTS = Kanaal(
    naam="signaalketen-alerts",
    resource="alert",
    acties={event_types.ALERT_RAISED: "create", event_types.ALERT_ESCALATED: "update"},
    summary="An alert for your organisation to act on (create), or another's alert escalated to you (update). "
    "hoofdObject: the case in triage; resourceUrl: the alert in your inbox.",
)
PLACEMENT = Kanaal(
    naam="signaalketen-placement",
    resource="placement-request",
    acties={
        event_type: "update"
        for event_type in (
            event_types.PLACEMENT_WAITLISTED,
            event_types.PLACEMENT_OFFERED,
            event_types.PLACEMENT_CONFIRMED,
            event_types.PLACEMENT_DECLINED,
            event_types.PLACEMENT_LOST_FROM_VIEW,
            event_types.PLACEMENT_ENDED,
            event_types.PLACEMENT_WITHDRAWAL_HANDLED,
            event_types.PLACEMENT_PLAN_REMINDER,
            event_types.PLACEMENT_PLAN_OVERDUE,
            event_types.PLACEMENT_PLAN_MADE,
            event_types.PLACEMENT_REST_ADMITTED,
        )
    },
    summary="News about a shelter placement request you made or that concerns your shelter (update). "
    "hoofdObject and resourceUrl: the request in placement.",
)
KANALEN = (ALERTS, PLACEMENT)
BY_NAME = {kanaal.naam: kanaal for kanaal in KANALEN}
BY_UUID = {kanaal.uuid: kanaal for kanaal in KANALEN}
BY_EVENT_TYPE = {event_type: kanaal for kanaal in KANALEN for event_type in kanaal.acties}


def kanaal_of(event_type: str) -> Kanaal | None:
    return BY_EVENT_TYPE.get(event_type)


def kenmerken(event_type: str, case_key: str, municipality_code: str) -> dict[str, str]:
    return {
        Kenmerk.CASE.value: case_key,
        Kenmerk.MUNICIPALITY.value: municipality_code,
        Kenmerk.EVENT.value: event_types.short_name(event_type),
    }


@dataclass(frozen=True)
class InvalidParam:
    """One entry of a ZGW ValidatieFout's `invalidParams`; never quotes a submitted value."""

    name: str
    code: str
    reason: str


def filter_group_problems(position: int, naam: str, filters: Mapping[str, str]) -> list[InvalidParam]:
    """What is wrong with the filter group at `kanalen[position]`; empty when nothing is."""
    where = f"kanalen.{position}"
    kanaal = BY_NAME.get(naam)
    if kanaal is None:
        return [InvalidParam(f"{where}.naam", "kanaal-unknown", f"no such kanaal; choose from {sorted(BY_NAME)}")]
    problems = []
    for key, value in filters.items():
        if key not in KENMERKEN:
            name = f"{where}.filters.{key}" if NAMEABLE_KEY.fullmatch(key) else f"{where}.filters"
            reason = f"not a kenmerk of kanaal {naam}; filter on one of {sorted(KENMERKEN)}"
            problems.append(InvalidParam(name, "filter-unknown", reason))
        elif not value_allowed(kanaal, Kenmerk(key), value):
            reason = VALUE_RULES.get(Kenmerk(key)) or f"must be one of {sorted(kanaal.events)} or '*'"
            problems.append(InvalidParam(f"{where}.filters.{key}", "filter-value-invalid", reason))
    return problems


def value_allowed(kanaal: Kanaal, kenmerk: Kenmerk, value: str) -> bool:
    if value == WILDCARD:
        return True
    if kenmerk is Kenmerk.EVENT:
        return value in kanaal.events
    return PATTERNS[kenmerk].fullmatch(value) is not None


def matches(groups: Iterable[Mapping], kanaal: str, found: Mapping[str, str]) -> bool:
    """Does an abonnement with these filter groups want a notificatie of `kanaal` with kenmerken `found`?"""
    return any(group["naam"] == kanaal and _group_matches(group.get("filters") or {}, found) for group in groups)


def _group_matches(filters: Mapping[str, str], found: Mapping[str, str]) -> bool:
    # A kenmerk the notificatie lacks matches nothing but '*' (every notificatie carries all three).
    return all(value == WILDCARD or found.get(key) == value for key, value in filters.items())
