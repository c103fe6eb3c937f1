"""The ownership rules themselves (shared/entitlement.py), on the development organisations."""

from shared.entitlement import may_name_case_in_request, may_see_case, may_see_request, request_belongs_to_case
from shared.organisations import Organisations
from shared.settings import DEV_ORGANISATIONS_FILE

ORGS = Organisations.load(DEV_ORGANISATIONS_FILE)
AMSTERDAM_GGD, FRYSLAN_GGD = ORGS.get("ggd-amsterdam-vangnet"), ORGS.get("ggd-fryslan")


def test_a_ggd_names_only_cases_of_its_own_region():
    assert may_name_case_in_request(AMSTERDAM_GGD, "0363")
    assert not may_name_case_in_request(FRYSLAN_GGD, "0363")
    assert not may_name_case_in_request(AMSTERDAM_GGD, None), "a case placement does not know is nobody's"


def test_a_case_is_its_leads_and_its_alert_recipients():
    team = ORGS.get("vroeg-eropaf-amsterdam")
    assert may_see_case(AMSTERDAM_GGD, "ggd-amsterdam-vangnet", [])
    assert may_see_case(team, "hvo-querido", ["vroeg-eropaf-amsterdam"])
    assert not may_see_case(ORGS.get("meldpunt-zorg-overlast-amsterdam"), "ggd-amsterdam-vangnet", ["vroeg-eropaf-amsterdam"])


def test_a_request_is_its_ggds_and_its_shelters():
    assert may_see_request(AMSTERDAM_GGD, "ggd-amsterdam-vangnet", None)
    assert may_see_request(ORGS.get("hvo-querido"), "ggd-amsterdam-vangnet", "hvo-querido")
    assert not may_see_request(ORGS.get("leger-des-heils-amsterdam"), "ggd-amsterdam-vangnet", "hvo-querido")
    assert not may_see_request(FRYSLAN_GGD, "ggd-amsterdam-vangnet", None)


def test_a_placement_event_touches_a_case_only_for_a_request_of_its_region():
    assert request_belongs_to_case(AMSTERDAM_GGD, "0363", asked_by_triage=False)
    assert not request_belongs_to_case(FRYSLAN_GGD, "0363", asked_by_triage=False)
    assert request_belongs_to_case(None, "0363", asked_by_triage=True), "triage's own request"
    assert not request_belongs_to_case(None, "0363", asked_by_triage=False), "an unknown requester"
