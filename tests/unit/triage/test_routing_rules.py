"""The demo rules for the four municipalities, decided purely from facts."""

from datetime import UTC, date, datetime

import pytest

from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE
from services.triage.domain.routing import HouseholdFacts, SignalFacts, route
from services.triage.rules import DEFAULT_RULES, InvalidRules, RuleFile, load_rules, validate

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
FAMILY = HouseholdFacts(is_family=True, persons=4, minors=2)
SINGLE = HouseholdFacts(is_family=False, persons=1, minors=0)
UNKNOWN = HouseholdFacts(is_family=None, persons=0, minors=0)


@pytest.fixture(scope="module")
def rules():
    return load_rules(DEFAULT_RULES, Organisations.load(DEV_ORGANISATIONS_FILE)).rules


def signal(kind, municipality="0363", district=None, **facts):
    return SignalFacts(signal_type=kind, municipality_code=municipality, district=district, observed_on=date(2026, 11, 27), **facts)


@pytest.mark.parametrize(
    ("facts", "household", "recipient", "priority"),
    [
        (signal("arrears.reported", arrears_months=2), FAMILY, "vroeg-eropaf-amsterdam", "normal"),
        (signal("arrears.reported", arrears_months=1), FAMILY, None, "normal"),
        (signal("eviction.verdict-issued", grounds="rent_arrears"), SINGLE, "meldpunt-zorg-overlast-amsterdam", "normal"),
        (signal("eviction.verdict-issued", grounds="subletting"), FAMILY, "ggd-amsterdam-vangnet", "urgent"),
        (signal("eviction.family-found"), FAMILY, "ggd-amsterdam-vangnet", "urgent"),
        (signal("eviction.executed", outcome="evicted"), FAMILY, "ggd-amsterdam-vangnet", "urgent"),
        (signal("eviction.executed", outcome="evicted"), UNKNOWN, "ggd-amsterdam-vangnet", "urgent"),
        (signal("eviction.executed", outcome="evicted"), SINGLE, None, "normal"),
        (signal("eviction.executed", outcome="paid_at_door"), FAMILY, None, "normal"),
        (signal("eviction.scheduled", eviction_date=date(2026, 12, 10)), FAMILY, "ggd-amsterdam-vangnet", "urgent"),
    ],
)
def test_amsterdam(rules, facts, household, recipient, priority):
    decision = route(facts, household, rules, NOW)
    assert decision.recipient == recipient
    assert decision.priority.value == priority


@pytest.mark.parametrize("district", ["noord", "nieuw-west", "weesp"])
def test_amsterdam_sends_two_months_of_arrears_to_the_stadsdeel_that_makes_the_visit(rules, district):
    decision = route(signal("arrears.reported", district=district, arrears_months=2), FAMILY, rules, NOW)
    assert decision.recipient == f"vroeg-eropaf-amsterdam-{district}"
    assert decision.intermediate_report_due is not None and decision.suspends_collection


def test_amsterdam_without_a_district_sends_it_to_the_city_desk_and_other_rules_ignore_the_district(rules):
    assert route(signal("arrears.reported", arrears_months=2), FAMILY, rules, NOW).recipient == "vroeg-eropaf-amsterdam"
    verdict = signal("eviction.verdict-issued", district="noord", grounds="rent_arrears")
    assert route(verdict, SINGLE, rules, NOW).recipient == "meldpunt-zorg-overlast-amsterdam"


def test_rules_routing_to_a_district_the_municipality_does_not_have_are_refused_when_loaded():
    organisations = Organisations.load(DEV_ORGANISATIONS_FILE)
    document = RuleFile.model_validate(
        {
            "placement_leads": {"*": "ketenregie"},
            "rules": [
                {"id": "ams-x", "description": "d", "municipality": "0363", "signal_types": ["arrears.reported"],
                 "recipient": "vroeg-eropaf-amsterdam", "district_recipients": {"overvecht": "vroeg-eropaf-amsterdam-noord"}},
            ],
        }
    )  # fmt: skip
    with pytest.raises(InvalidRules, match="rule ams-x: district_recipients names 'overvecht', not a district code of 0363"):
        validate(document, organisations)


def test_utrecht_puts_families_first_at_verdict(rules):
    family = route(signal("eviction.verdict-issued", "0344", grounds="rent_arrears"), FAMILY, rules, NOW)
    single = route(signal("eviction.verdict-issued", "0344", grounds="rent_arrears"), SINGLE, rules, NOW)
    assert family.recipient == single.recipient == "meldpunt-huurschulden-utrecht"
    assert family.priority.value == "urgent" and single.priority.value == "normal"
    assert route(signal("arrears.reported", "0344", arrears_months=2), FAMILY, rules, NOW).recipient is None
    assert route(signal("arrears.reported", "0344", arrears_months=3), SINGLE, rules, NOW).recipient == "meldpunt-huurschulden-utrecht"


def test_leeuwarden_sends_housing_problems_to_the_sociaal_team(rules):
    assert route(signal("arrears.reported", "0080", arrears_months=1), SINGLE, rules, NOW).recipient == "sociaal-team-leeuwarden"
    scheduled = route(signal("eviction.scheduled", "0080", eviction_date=date(2026, 12, 3)), FAMILY, rules, NOW)
    assert scheduled.recipient == "sociaal-team-leeuwarden" and scheduled.priority.value == "urgent"
    assert route(signal("eviction.family-found", "0080"), FAMILY, rules, NOW).recipient == "ggd-fryslan"


def test_oss_sends_two_months_to_werk_en_inkomen_and_complex_cases_to_bemoeizorg(rules):
    assert route(signal("arrears.reported", "0828", arrears_months=2), SINGLE, rules, NOW).recipient == "werk-inkomen-oss"
    assert route(signal("eviction.verdict-issued", "0828", grounds="nuisance"), SINGLE, rules, NOW).recipient == "bemoeizorg-oss"
    assert route(signal("eviction.verdict-issued", "0828", grounds="rent_arrears"), SINGLE, rules, NOW).recipient == "werk-inkomen-oss"


def test_other_municipalities_are_never_dropped(rules):
    decision = route(signal("eviction.family-found", "0599"), FAMILY, rules, NOW)
    assert decision.recipient == "ketenregie" and decision.priority.value == "urgent"
    assert route(signal("arrears.reported", "0599", arrears_months=2), SINGLE, rules, NOW).recipient == "ketenregie"


def test_the_decision_records_which_rule_and_which_facts(rules):
    decision = route(signal("arrears.reported", arrears_months=2), FAMILY, rules, NOW)
    assert decision.rule_id == "ams-arrears-vroeg-eropaf"
    assert decision.trace["signal"]["arrears_months"] == 2 and decision.trace["household"]["is_family"] is True


def test_a_scheduled_eviction_is_due_no_later_than_the_morning_before(rules):
    decision = route(signal("eviction.scheduled", eviction_date=date(2026, 11, 29)), FAMILY, rules, NOW)
    assert decision.due == NOW, "eviction tomorrow: the morning before has passed, act now"


def test_rules_naming_an_unknown_or_unfit_recipient_are_refused_when_loaded():
    organisations = Organisations.load(DEV_ORGANISATIONS_FILE)
    document = RuleFile.model_validate(
        {
            "placement_leads": {"*": "ketenregie"},
            "rules": [
                {"id": "x", "description": "d", "municipality": "0363", "signal_types": ["arrears.reported"], "recipient": "nobody"},
                {"id": "y", "description": "d", "municipality": "0363", "signal_types": ["arrears.reported"], "recipient": "hvo-querido"},
            ],
        }
    )
    with pytest.raises(InvalidRules, match="unknown recipient 'nobody'.*'hvo-querido' is a shelter"):
        validate(document, organisations)
