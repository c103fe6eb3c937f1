"""The report's city rules added with the feedback loop, decided purely from facts:
no prevention path, lost from view, last chance, not reached, the corporation told."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE
from services.triage.domain.routing import HouseholdFacts, SignalFacts, route
from services.triage.rules import DEFAULT_RULES, InvalidRules, RuleFile, load_rules, validate

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
FAMILY = HouseholdFacts(is_family=True, persons=4, minors=2)
SINGLE = HouseholdFacts(is_family=False, persons=1, minors=0)
UNKNOWN = HouseholdFacts(is_family=None, persons=0, minors=0)
GGD = {"0363": "ggd-amsterdam-vangnet", "0344": "ggd-utrecht", "0080": "ggd-fryslan", "0828": "ggd-hart-voor-brabant"}


@pytest.fixture(scope="module")
def ruleset():
    return load_rules(DEFAULT_RULES, Organisations.load(DEV_ORGANISATIONS_FILE))


@pytest.fixture(scope="module")
def rules(ruleset):
    return ruleset.rules


def signal(kind, municipality="0363", **facts):
    return SignalFacts(signal_type=kind, municipality_code=municipality, district=None, observed_on=date(2026, 11, 27), **facts)


@pytest.mark.parametrize("municipality", sorted(GGD))
@pytest.mark.parametrize("grounds", ["subletting", "cannabis"])
def test_no_prevention_possible_sends_a_family_to_the_ggd_directly(rules, municipality, grounds):
    decision = route(signal("eviction.verdict-issued", municipality, grounds=grounds), FAMILY, rules, NOW)
    assert decision.recipient == GGD[municipality]
    assert decision.kind.value == "urgent_outreach" and decision.priority.value == "urgent"


@pytest.mark.parametrize("municipality", sorted(GGD))
def test_subletting_without_children_keeps_the_ordinary_route(rules, municipality):
    decision = route(signal("eviction.verdict-issued", municipality, grounds="subletting"), SINGLE, rules, NOW)
    assert decision.recipient != GGD[municipality]


@pytest.mark.parametrize("municipality", sorted(GGD))
@pytest.mark.parametrize("household", [FAMILY, UNKNOWN])
def test_a_family_gone_with_destination_unknown_is_a_lost_from_view_alert(rules, municipality, household):
    decision = route(signal("eviction.executed", municipality, outcome="left_unknown_destination"), household, rules, NOW)
    assert decision.recipient == GGD[municipality] and decision.kind.value == "lost_from_view"
    assert decision.priority.value == "urgent"


def test_a_single_person_gone_is_recorded_only(rules):
    assert route(signal("eviction.executed", outcome="left_unknown_destination"), SINGLE, rules, NOW).recipient is None


def test_vroeg_eropaf_reports_at_14_and_28_days_and_suspends_collection(rules):
    decision = route(signal("arrears.reported", arrears_months=2), SINGLE, rules, NOW)
    assert decision.intermediate_report_due == NOW + timedelta(days=14)
    assert decision.final_report_due == NOW + timedelta(days=28)
    assert decision.suspends_collection


def test_not_reached_by_the_final_report_goes_to_eropaf_meldpunt_in_amsterdam_only(rules):
    decision = route(signal("prevention.report-final", outcome="not_reached"), SINGLE, rules, NOW)
    assert decision.recipient == "meldpunt-zorg-overlast-amsterdam" and decision.rule_id == "ams-not-reached"
    assert route(signal("prevention.report-final", outcome="arrangement"), SINGLE, rules, NOW) is None
    assert route(signal("prevention.report-final", "0344", outcome="not_reached"), SINGLE, rules, NOW) is None


def test_last_chance_verdict_goes_to_the_groot_overleg_with_ggd_told(rules):
    decision = route(signal("eviction.verdict-issued", grounds="nuisance", last_chance=True), SINGLE, rules, NOW)
    assert decision.rule_id == "ams-last-chance-verdict"
    assert decision.recipients == ("meldpunt-zorg-overlast-amsterdam", "ggd-amsterdam-vangnet")
    evicted = route(signal("eviction.executed", outcome="evicted", last_chance=True), SINGLE, rules, NOW)
    assert evicted.rule_id == "ams-last-chance-evicted" and evicted.recipient == "ggd-amsterdam-vangnet"


def test_leeuwarden_tells_the_corporation_about_children_in_a_planned_eviction(rules):
    facts = signal("eviction.scheduled", "0080", eviction_date=date(2026, 12, 20), reported_by="deurwaarder-noord", corporation="woonfriesland")
    decision = route(facts, FAMILY, rules, NOW)
    assert decision.recipients == ("sociaal-team-leeuwarden", "woonfriesland")
    assert decision.trace["copies"] == ["woonfriesland"]
    unknown_corporation = route(signal("eviction.scheduled", "0080", eviction_date=date(2026, 12, 20)), FAMILY, rules, NOW)
    assert unknown_corporation.recipients == ("sociaal-team-leeuwarden",), "no corporation known: the team still acts"


def test_leeuwarden_family_found_tells_ggd_and_the_corporation(rules):
    decision = route(signal("eviction.family-found", "0080", corporation="woonfriesland"), FAMILY, rules, NOW)
    assert decision.recipients == ("ggd-fryslan", "woonfriesland") and decision.due == NOW + timedelta(hours=1)


def test_a_rule_may_name_the_signaller_and_does_not_match_without_one():
    organisations = Organisations.load(DEV_ORGANISATIONS_FILE)
    document = RuleFile.model_validate({
        "placement_leads": {"*": "ketenregie"},
        "rules": [
            {"id": "tell-signaller", "description": "d", "municipality": "*", "signal_types": ["arrears.reported"], "recipient": "@signaller"},
            {"id": "fallback", "description": "d", "municipality": "*", "signal_types": ["arrears.reported"], "recipient": "ketenregie"},
        ],
    })  # fmt: skip
    rules = validate(document, organisations).rules
    assert route(signal("arrears.reported", reported_by="ymere"), SINGLE, rules, NOW).recipient == "ymere"
    assert route(signal("arrears.reported"), SINGLE, rules, NOW).rule_id == "fallback"


def test_reports_and_suspension_are_validated_when_loaded():
    base = {"id": "x", "description": "d", "municipality": "0363", "signal_types": ["arrears.reported"], "recipient": "ketenregie"}
    for extra, message in [
        ({"intermediate_report_days": 28, "final_report_days": 14}, "intermediate_report_days must come before"),
        ({"suspends_collection": True}, "suspends_collection needs final_report_days"),
        ({"recipient": None, "also": ["ketenregie"]}, "without a recipient"),
    ]:
        with pytest.raises(ValueError, match=message):
            RuleFile.model_validate({"placement_leads": {"*": "ketenregie"}, "rules": [{**base, **extra}]})
    document = RuleFile.model_validate({
        "placement_leads": {"*": "ketenregie"}, "report_escalation": {"*": "hvo-querido"},
        "rules": [{**base, "also": ["nobody"]}],
    })  # fmt: skip
    with pytest.raises(InvalidRules, match="unknown recipient 'nobody'.*report escalation for \\*: 'hvo-querido'"):
        validate(document, Organisations.load(DEV_ORGANISATIONS_FILE))


def test_report_escalation_goes_to_someone_other_than_the_silent_team(ruleset):
    assert ruleset.escalation_for("0363", "vroeg-eropaf-amsterdam") == "meldpunt-zorg-overlast-amsterdam"
    assert ruleset.escalation_for("0363", "meldpunt-zorg-overlast-amsterdam") == "ketenregie"
    assert ruleset.escalation_for("0599", "ketenregie") is None
