"""The rules for the report's other actors, decided purely from facts (services/triage/RULES.md):
reports of concern, the corporation's contact attempts, relapse after housing support, an
eviction date where the register cannot tell who lives there, and the fallback that never
treats a family with irrevocable grounds as plain prevention."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE
from services.triage.domain.routing import HouseholdFacts, SignalFacts, route
from services.triage.rules import DEFAULT_RULES, load_rules

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
FAMILY = HouseholdFacts(is_family=True, persons=7, minors=5)
SINGLE = HouseholdFacts(is_family=False, persons=1, minors=0)
UNKNOWN = HouseholdFacts(is_family=None, persons=0, minors=0)
ELSEWHERE = "0518"  # 's-Gravenhage: no rules of its own
GGD = {"0363": "ggd-amsterdam-vangnet", "0344": "ggd-utrecht", "0080": "ggd-fryslan", "0828": "ggd-hart-voor-brabant"}


@pytest.fixture(scope="module")
def rules():
    return load_rules(DEFAULT_RULES, Organisations.load(DEV_ORGANISATIONS_FILE)).rules


def signal(kind, municipality="0828", **facts):
    return SignalFacts(signal_type=kind, municipality_code=municipality, district=None, observed_on=date(2026, 11, 27), **facts)


def test_a_concern_about_a_care_avoiding_family_in_oss_goes_to_bemoeizorg_urgently(rules):
    concern = signal("concern.reported", concerns=("nuisance", "neglect", "care_avoidance", "debts"))
    decision = route(concern, FAMILY, rules, NOW)
    assert (decision.rule_id, decision.recipient) == ("oss-family-concern", "bemoeizorg-oss")
    assert decision.kind.value == "prevention" and decision.priority.value == "urgent"
    assert decision.due == NOW + timedelta(hours=72)
    assert decision.final_report_due == NOW + timedelta(days=28)


def test_in_oss_a_complex_concern_goes_to_bemoeizorg_and_debts_only_to_werk_en_inkomen(rules):
    assert route(signal("concern.reported", concerns=("nuisance",)), SINGLE, rules, NOW).rule_id == "oss-concern"
    financial = route(signal("concern.reported", concerns=("debts",)), FAMILY, rules, NOW)
    assert (financial.rule_id, financial.recipient, financial.priority.value) == ("oss-concern-financial", "werk-inkomen-oss", "normal")


@pytest.mark.parametrize(
    ("municipality", "recipient"),
    [("0363", "meldpunt-zorg-overlast-amsterdam"), ("0344", "ggd-utrecht"), ("0080", "sociaal-team-leeuwarden"), (ELSEWHERE, "ketenregie")],
)
def test_a_concern_elsewhere_goes_to_the_citys_team_or_the_chain_coordinator(rules, municipality, recipient):
    decision = route(signal("concern.reported", municipality, concerns=("neglect",)), FAMILY, rules, NOW)
    assert decision.recipient == recipient and decision.kind.value == "prevention"


@pytest.mark.parametrize("municipality", [*sorted(GGD), ELSEWHERE])
@pytest.mark.parametrize("result", ["reached", "not_reached", "refused"])
def test_the_corporations_contact_attempts_are_recorded_without_an_alert(rules, municipality, result):
    decision = route(signal("corporation.contact-attempted", municipality, reported_by="brabantwonen"), FAMILY, rules, NOW)
    assert decision is not None and decision.recipient is None


@pytest.mark.parametrize("municipality", sorted(GGD))
@pytest.mark.parametrize("household", [FAMILY, UNKNOWN])
def test_a_family_relapsing_after_housing_support_alerts_the_ggd_urgently(rules, municipality, household):
    decision = route(signal("support.relapsed", municipality), household, rules, NOW)
    assert decision.recipient == GGD[municipality]
    assert decision.kind.value == "urgent_outreach" and decision.priority.value == "urgent"
    assert decision.due == NOW + timedelta(hours=72)


def test_in_oss_werk_en_inkomen_hears_of_a_relapse_and_takes_a_household_without_children(rules):
    family = route(signal("support.relapsed"), FAMILY, rules, NOW)
    assert family.rule_id == "oss-family-relapse" and family.copies == ("werk-inkomen-oss",)
    single = route(signal("support.relapsed"), SINGLE, rules, NOW)
    assert (single.rule_id, single.recipient, single.priority.value) == ("oss-relapse", "werk-inkomen-oss", "normal")


def test_a_relapse_without_local_rules_goes_to_the_chain_coordinator(rules):
    assert route(signal("support.relapsed", ELSEWHERE), FAMILY, rules, NOW).rule_id == "any-family-relapse"
    assert route(signal("support.relapsed", ELSEWHERE), SINGLE, rules, NOW).rule_id == "any-arrears-or-verdict"


@pytest.mark.parametrize(
    ("municipality", "rule", "recipient", "copies"),
    [
        ("0344", "utr-unknown-eviction-scheduled", "meldpunt-huurschulden-utrecht", ()),
        ("0080", "lwd-unknown-eviction-scheduled", "sociaal-team-leeuwarden", ("woonfriesland",)),
        ("0828", "oss-unknown-eviction-scheduled", "werk-inkomen-oss", ("ggd-hart-voor-brabant",)),
        ("0363", "ams-family-eviction-scheduled", "ggd-amsterdam-vangnet", ()),
        (ELSEWHERE, "any-family-eviction-scheduled", "ketenregie", ()),
    ],
)
def test_an_eviction_date_where_nobody_knows_who_lives_there_is_acted_on_before_the_date(rules, municipality, rule, recipient, copies):
    scheduled = signal("eviction.scheduled", municipality, eviction_date=date(2026, 12, 20), corporation="woonfriesland")
    decision = route(scheduled, UNKNOWN, rules, NOW)
    assert (decision.rule_id, decision.recipient, decision.copies) == (rule, recipient, copies)
    assert decision.priority.value == "urgent" and decision.due == NOW + timedelta(hours=24)


def test_an_oss_family_with_an_eviction_date_alerts_the_ggd_and_tells_werk_en_inkomen(rules):
    decision = route(signal("eviction.scheduled", eviction_date=date(2026, 12, 20)), FAMILY, rules, NOW)
    assert (decision.rule_id, decision.recipient, decision.copies) == ("oss-family-eviction-scheduled", "ggd-hart-voor-brabant", ("werk-inkomen-oss",))
    assert decision.kind.value == "urgent_outreach" and decision.due == NOW + timedelta(hours=24)


@pytest.mark.parametrize("municipality", ["0344", "0080", "0828"])
def test_an_eviction_date_for_a_household_without_children_is_recorded_only(rules, municipality):
    decision = route(signal("eviction.scheduled", municipality, eviction_date=date(2026, 12, 20)), SINGLE, rules, NOW)
    assert decision.recipient is None


@pytest.mark.parametrize("grounds", ["subletting", "cannabis"])
@pytest.mark.parametrize("household", [FAMILY, UNKNOWN])
def test_the_fallback_never_treats_a_family_with_irrevocable_grounds_as_plain_prevention(rules, grounds, household):
    decision = route(signal("eviction.verdict-issued", ELSEWHERE, grounds=grounds), household, rules, NOW)
    assert decision.rule_id == "any-family-no-prevention-possible" and decision.recipient == "ketenregie"
    assert decision.kind.value == "urgent_outreach" and decision.priority.value == "urgent"


def test_the_fallback_keeps_prevention_for_rent_arrears_and_for_households_without_children(rules):
    for grounds, household in (("rent_arrears", FAMILY), ("cannabis", SINGLE)):
        decision = route(signal("eviction.verdict-issued", ELSEWHERE, grounds=grounds), household, rules, NOW)
        assert decision.rule_id == "any-arrears-or-verdict" and decision.kind.value == "prevention"
