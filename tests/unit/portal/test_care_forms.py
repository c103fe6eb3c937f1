"""The forms of the people who follow a family: a prevention team's reports, the GGD's
composition and alternatives, the shelter's capacity and outflow."""

from datetime import date

from services.portal import care_forms as cf

TODAY = date(2026, 11, 28)


def test_the_reports_still_open_on_an_alert_in_their_order_home_visits_until_the_final_report():
    assert cf.open_feedback({}) == ["contact-made", "report-intermediate", "report-final", "home-visit"]
    assert cf.open_feedback({"contact_made_on": "2026-11-20"}) == ["report-intermediate", "report-final", "home-visit"]
    assert cf.open_feedback({"intermediate_report_on": "2026-11-20"}) == ["contact-made", "report-final", "home-visit"]
    assert cf.open_feedback({"final_report_on": "2026-11-27"}) == [], "the final report closes the alert"


def test_a_home_visit_says_how_many_went_and_whether_the_household_was_met():
    visit = {"type": "home-visit", "reported_on": "2026-11-27", "visitors": "2", "met_household": "ja"}
    assert cf.prevention_feedback(visit, TODAY).body == {
        "type": "home-visit", "reported_on": "2026-11-27", "visitors": 2, "met_household": True,
    }  # fmt: skip
    assert cf.prevention_feedback({**visit, "met_household": ""}, TODAY).body["met_household"] is False
    assert set(cf.prevention_feedback({**visit, "visitors": "7"}, TODAY).errors) == {"visitors"}
    assert set(cf.prevention_feedback({**visit, "visitors": ""}, TODAY).errors) == {"visitors"}
    contact = cf.prevention_feedback({"type": "contact-made", "reported_on": "2026-11-27", "visitors": "x"}, TODAY)
    assert contact.body == {"type": "contact-made", "reported_on": "2026-11-27"}, "visitors only on a home visit"


def test_a_safety_net_plan_names_the_eviction_a_day_before_it_and_at_least_one_arrangement():
    plan = {"eviction_date": "2026-12-08", "made_on": "2026-11-27", "arrangements": ["own_network", "own_network", "shelter_place"]}
    assert cf.safety_net_plan(plan, TODAY).body == {
        "eviction_date": "2026-12-08", "made_on": "2026-11-27", "arrangements": ["own_network", "shelter_place"],
    }  # fmt: skip
    assert set(cf.safety_net_plan({**plan, "arrangements": []}, TODAY).errors) == {"arrangements"}
    assert set(cf.safety_net_plan({**plan, "arrangements": ["a_tent"]}, TODAY).errors) == {"arrangements"}
    assert set(cf.safety_net_plan({**plan, "made_on": "2026-11-29"}, TODAY).errors) == {"made_on"}, "not in the future"
    after = cf.safety_net_plan({**plan, "eviction_date": "2026-11-20"}, TODAY)
    assert set(after.errors) == {"made_on"} and "vóór de ontruiming" in after.errors["made_on"]
    assert set(cf.safety_net_plan({**plan, "eviction_date": "8-12"}, TODAY).errors) == {"eviction_date"}


def test_contact_and_the_intermediate_report_carry_a_date_only():
    parsed = cf.prevention_feedback({"type": "contact-made", "reported_on": "2026-11-27", "outcome": "refused"}, TODAY)
    assert parsed.body == {"type": "contact-made", "reported_on": "2026-11-27"}
    assert cf.prevention_feedback({"type": "report-intermediate", "reported_on": "2026-11-28"}, TODAY).ok


def test_the_final_report_needs_an_outcome_and_may_say_a_debt_settlement_is_pending():
    final = {"type": "report-final", "reported_on": "2026-11-27", "outcome": "debt_help_started", "debt_settlement_pending": "ja"}
    assert cf.prevention_feedback(final, TODAY).body == {
        "type": "report-final", "reported_on": "2026-11-27", "outcome": "debt_help_started", "debt_settlement_pending": True,
    }  # fmt: skip
    assert cf.prevention_feedback({**final, "debt_settlement_pending": ""}, TODAY).body["debt_settlement_pending"] is False
    assert set(cf.prevention_feedback({**final, "outcome": ""}, TODAY).errors) == {"outcome"}
    assert set(cf.prevention_feedback({**final, "outcome": "moved"}, TODAY).errors) == {"outcome"}


def test_a_report_needs_a_known_type_and_a_day_not_in_the_future():
    parsed = cf.prevention_feedback({"type": "visit", "reported_on": "2026-11-29"}, TODAY)
    assert set(parsed.errors) == {"type", "reported_on"} and not parsed.body


def test_a_composition_has_adults_ages_and_how_the_worker_knows():
    parsed = cf.composition({"adults": "2", "children_ages": "6, 11", "reason": " huisbezoek "})
    assert parsed.body == {"adults": 2, "children_ages": [6, 11], "reason": "huisbezoek"}
    assert cf.composition({"adults": "1", "children_ages": "", "reason": "bij bezoek"}).body["children_ages"] == []
    wrong = cf.composition({"adults": "11", "children_ages": "18", "reason": "x"})
    assert set(wrong.errors) == {"adults", "children_ages", "reason"}


def test_an_alternative_is_one_of_placements_kinds_with_an_optional_note():
    assert cf.alternative({"kind": "hotel"}).body == {"kind": "hotel"}
    assert cf.alternative({"kind": "family_split", "note": "vader bij broer"}).body == {"kind": "family_split", "note": "vader bij broer"}
    assert set(cf.alternative({"kind": "tent", "note": "x" * 501}).errors) == {"kind", "note"}


def test_capacity_is_a_whole_number_and_outflow_one_of_placements_codes():
    assert cf.capacity({"capacity": "0"}).body == {"capacity": 0}
    assert not cf.capacity({"capacity": "-1"}).ok and not cf.capacity({"capacity": "2,5"}).ok
    assert cf.outflow({"outflow": "omklap"}).body == {"outflow": "omklap"}
    assert set(cf.outflow({"outflow": "street"}).errors) == {"outflow"}
