"""No event contract has a field a person's free text can travel in (docs/adr/0023).

Every string field of every event on the bus is an enum, a pattern-checked code, a date or
an id, or is named below with where its value comes from: never from what a partner or a
person typed. A new free string field fails here until it becomes a code, or stays in the
service that received it."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.contracts.envelope import decode, encode, new_event
from shared.contracts.events import REGISTRY
from shared.contracts.events.placement import DeclineReason, PlacementDeclined, PlacementWaitlisted, WaitlistReason
from shared.contracts.events.signals import EvictionCancelled

# field name -> where its value comes from (none of them is typed by a person)
NOT_FREE_TEXT = {
    "recipient": "an organisation id from the organisations file",
    "reported_by": "the signalling organisation's id",
    "requested_by": "an organisation id",
    "shelter": "an organisation id",
    "case_lead": "an organisation id",
    "escalated_to": "an organisation id",
    "acknowledged_by": "an organisation id",
    "corrected_by": "an organisation id",
    "made_by": "an organisation id (who made a safety-net plan)",
    "also_notify": "organisation ids",
    "facility": "a facility's name from placement's seed (services/placement/seed/facilities.json)",
    "unit_type": "a unit type code of placement's registry",
    "status_before": "a request status code",
    "district": "a district code of the municipality's list, checked at the door (shared/contracts/districts.py)",
    "sealed_address": "the dwelling, encrypted (Fernet): only intake and triage hold the key",
    "amount_eur": "a decimal amount",
    "uncertain": "codes of services/triage/domain/household.py and services/triage/assessment.py",
    "signal_type": "the signal's type name",
    "event_type_delivered": "a CloudEvent type",
    "rule_id": "a rule id of the rules file",
    "reason": "AlertRaised and AlertEscalated: the rule's description from the rules file, written by the chain's operators",
}
REASON_MAY_BE_TEXT = {"AlertRaised", "AlertEscalated"}


def _free_strings(schema: dict, definitions: dict, path: str) -> list[str]:
    if "$ref" in schema:
        return _free_strings(definitions[schema["$ref"].split("/")[-1]], definitions, path)
    found = [f for key in ("anyOf", "allOf", "oneOf") for sub in schema.get(key, []) for f in _free_strings(sub, definitions, path)]
    if schema.get("type") == "string" and not {"enum", "pattern", "format", "const"} & schema.keys():
        found.append(path)
    if schema.get("type") == "array":
        found += _free_strings(schema.get("items", {}), definitions, path)
    return found


def test_every_string_on_the_bus_is_a_code_an_id_or_known_not_to_be_typed_by_a_person():
    unexplained = []
    for model in REGISTRY.values():
        schema = model.model_json_schema()
        for name, prop in schema["properties"].items():
            for field in _free_strings(prop, schema.get("$defs", {}), name):
                if field not in NOT_FREE_TEXT or (field == "reason" and model.__name__ not in REASON_MAY_BE_TEXT):
                    unexplained.append(f"{model.__name__}.{field}")
    assert unexplained == []


def test_the_free_text_fields_of_before_are_gone_or_codes():
    assert "reason" not in EvictionCancelled.model_fields
    assert "reason" not in PlacementDeclined.model_fields
    assert PlacementDeclined.model_fields["reason_code"].annotation is DeclineReason
    assert PlacementWaitlisted.model_fields["reason"].annotation is WaitlistReason


def test_an_older_record_with_free_text_still_decodes_and_its_text_goes_no_further():
    """Records written before the change are still on the topics: they decode, without the text."""
    common = {
        "signal_id": "7d8c2a40-58e0-4b53-9d57-0d1f2cbd0b6d", "reported_by": "ymere", "sealed_address": "gAAAA",
        "municipality_code": "0363", "observed_on": "2026-11-20",
    }  # fmt: skip
    old = EvictionCancelled.model_validate({**common, "reason": "Jan Jansen 123456782 paid"})
    assert "Jan" not in encode(new_event(old, source="urn:nld:oin:1:systeem:x", subject="hh-0123456789abcdef", time=_now())).decode()
    declined = {"request_id": "7d8c2a40-58e0-4b53-9d57-0d1f2cbd0b6d", "recipient": "ggd-amsterdam-vangnet",
                "requested_by": "ggd-amsterdam-vangnet", "municipality_code": "0363", "shelter": "hvo-querido",
                "facility": "De Ark", "reason": "Jan Jansen is not welcome"}  # fmt: skip
    assert PlacementDeclined.model_validate(declined).reason_code is DeclineReason.OTHER
    waitlisted = {k: v for k, v in declined.items() if k not in ("shelter", "facility")}
    legacy = PlacementWaitlisted.model_validate({**waitlisted, "reason": "no free unit for this family type (declined elsewhere)"})
    assert legacy.reason is WaitlistReason.DECLINED_ELSEWHERE
    event = new_event(legacy, source="urn:nld:oin:1:systeem:x", subject="hh-0123456789abcdef", time=_now())
    assert decode(encode(event)).data == legacy


def _now() -> datetime:
    return datetime(2026, 12, 1, tzinfo=UTC)
