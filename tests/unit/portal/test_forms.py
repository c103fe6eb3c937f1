"""The portal's forms: checked before sending, with a Dutch message per field; the services'
own refusals land on the same fields."""

from datetime import date

from services.portal import figures_filter, forms

TODAY = date(2026, 11, 28)


def test_a_placement_request_becomes_the_body_placement_expects():
    parsed = forms.placement_request(
        {
            "adults": "2",
            "children_ages": "3, 7;12",
            "family_type": "two_parent",
            "need": "crisis",
            "municipality_code": "0363",
            "case_key": "hh-0123456789abcdef",
            "cause": "domestic_violence",
            "referral_source": "womens_shelter",
        }
    )
    assert parsed.ok
    assert parsed.body == {
        "adults": 2,
        "children_ages": [3, 7, 12],
        "family_type": "two_parent",
        "need": "crisis",
        "municipality_code": "0363",
        "cause": "domestic_violence",
        "referral_source": "womens_shelter",
        "case_key": "hh-0123456789abcdef",
    }


def test_a_placement_request_without_children_or_case_leaves_them_out():
    parsed = forms.placement_request(
        {"adults": "1", "children_ages": "", "family_type": "one_parent", "need": "family", "municipality_code": "0344",
         "cause": "eviction", "referral_source": "ggd"}  # fmt: skip
    )
    assert parsed.body == {
        "adults": 1,
        "children_ages": [],
        "family_type": "one_parent",
        "need": "family",
        "municipality_code": "0344",
        "cause": "eviction",
        "referral_source": "ggd",
    }


def test_every_wrong_field_of_a_placement_request_is_named():
    parsed = forms.placement_request(
        {
            "adults": "0",
            "children_ages": "3, achttien",
            "family_type": "x",
            "need": "",
            "municipality_code": "363",
            "case_key": "123",
            "cause": "fire",
        }
    )
    fields = {"adults", "children_ages", "family_type", "need", "municipality_code", "case_key", "cause", "referral_source"}
    assert set(parsed.errors) == fields
    assert "volwassenen" in parsed.errors["adults"] and "huiselijk geweld" in parsed.errors["cause"]
    assert parsed.body == {}


def test_the_request_form_starts_with_the_ggd_as_referrer_and_an_alerts_case_as_an_eviction():
    from_alert = forms.request_prefill({"case_key": "hh-0123456789abcdef", "adults": "2"}, ["0363"])
    assert (from_alert["cause"], from_alert["referral_source"], from_alert["municipality_code"]) == ("eviction", "ggd", "0363")
    blank = forms.request_prefill({}, [])
    assert (blank["cause"], blank["referral_source"], blank["municipality_code"]) == ("", "ggd", "")


def test_a_partial_admission_and_a_plans_day_are_checked_before_sending():
    from services.portal import care_forms

    assert care_forms.admission({"adults_admitted": "1", "children_admitted": "0"}).body == {"adults_admitted": 1, "children_admitted": 0}
    refused = care_forms.admission({"adults_admitted": "0", "children_admitted": "twee"})
    assert set(refused.errors) == {"adults_admitted", "children_admitted"} and "zonder volwassene" in refused.errors["adults_admitted"]
    assert care_forms.plan_made({"made_on": "2026-11-27"}, TODAY).body == {"made_on": "2026-11-27"}
    assert "niet in de toekomst" in care_forms.plan_made({"made_on": "2026-11-29"}, TODAY).errors["made_on"]


def test_an_age_of_eighteen_is_not_a_child():
    assert "children_ages" in forms.placement_request({"adults": "1", "children_ages": "18"}).errors


def test_an_arrears_signal_accepts_dutch_amounts():
    form = {
        "dwelling": "0363010001004477",
        "observed_on": "2026-11-27",
        "months": "2",
        "amount_eur": "1.450,50",
        "district": "Nieuw-West",
    }
    parsed = forms.arrears_signal(form, TODAY)
    assert parsed.ok, parsed.errors
    assert parsed.body == {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": "0363010001004477"},
        "observed_on": "2026-11-27",
        "months": 2,
        "amount_eur": "1450.50",
        "district": "nieuw-west",
    }
    assert forms.arrears_signal({**form, "amount_eur": "1450.5"}, TODAY).body["amount_eur"] == "1450.50"


def test_an_arrears_signal_refuses_a_future_date_a_short_dwelling_id_and_fractions_of_cents():
    parsed = forms.arrears_signal(
        {"dwelling": "036301", "observed_on": "2026-11-29", "months": "0", "amount_eur": "10,001"}, TODAY
    )
    assert set(parsed.errors) == {"dwelling", "observed_on", "months", "amount_eur"}


def test_a_decline_needs_a_reason():
    assert forms.decline_reason({"reason": " "}).errors == {"reason": "Geef een reden van 3 tot 300 tekens."}
    assert forms.decline_reason({"reason": "geen plaats voor 24-uurszorg"}).body == {
        "reason": "geen plaats voor 24-uurszorg"
    }


def test_an_acknowledgement_takes_a_worker_number_never_an_email_address():
    assert forms.acknowledgement({"worker": ""}).body == {}
    assert forms.acknowledgement({"worker": "mw-0417"}).body == {"acknowledged_by": "mw-0417"}
    assert "worker" in forms.acknowledgement({"worker": "j.jansen@ggd.nl"}).errors


def test_the_figures_filter_falls_back_to_the_defaults_and_says_why():
    query, errors = figures_filter.figures_query({"gemeente": "abc", "jaar": "1999", "maand": "13"}, "0363", 2026)
    assert query == figures_filter.FiguresQuery("0363", 2026, None)
    assert set(errors) == {"gemeente", "jaar", "maand"}
    assert figures_filter.figures_query({"jaar": "2025", "maand": "3"}, "0344", 2026) == (
        figures_filter.FiguresQuery("0344", 2025, 3),
        {},
    )


def test_a_service_refusal_is_shown_next_to_the_field_it_names():
    detail = [
        {"loc": ["body", "case_key"], "msg": "the case already has an open request", "type": "conflict"},
        {"loc": ["body"], "msg": "something else", "type": "value_error"},
    ]
    fields = {"case_key": ("case_key", "Er loopt al een aanvraag.")}
    assert forms.service_errors(detail, fields, "Niet geaccepteerd.") == {
        "case_key": "Er loopt al een aanvraag.",
        forms.FORM_ERROR: "Niet geaccepteerd.",
    }
    nested = [{"loc": ["body", "arrears.reported", "address", "adresseerbaarObjectIdentificatie"], "msg": "x"}]
    assert forms.service_errors(nested, {"adresseerbaarObjectIdentificatie": ("dwelling", "BAG")}, "-") == {
        "dwelling": "BAG"
    }
    assert forms.service_errors("no free unit", {}, "Niet gelukt.") == {forms.FORM_ERROR: "Niet gelukt."}


def test_an_arrears_signal_by_postcode_address_when_the_bag_id_is_not_at_hand():
    form = {"postcode": "8911 ab", "huisnummer": "12", "huisletter": "A", "gemeentecode": "0080",
            "observed_on": "2026-11-27", "months": "2", "amount_eur": "900"}  # fmt: skip
    parsed = forms.arrears_signal(form, TODAY)
    assert parsed.ok, parsed.errors
    assert parsed.body["address"] == {"postcode": "8911AB", "huisnummer": 12, "gemeentecode": "0080", "huisletter": "A"}

    missing = forms.arrears_signal({**form, "huisnummer": "", "gemeentecode": "Leeuwarden"}, TODAY)
    assert set(missing.errors) == {"huisnummer", "gemeentecode"}
    nothing = forms.arrears_signal({k: v for k, v in form.items() if k not in ("postcode", "huisnummer")}, TODAY)
    assert "BAG-verblijfsobjectnummer" in nothing.errors["dwelling"], "no address at all: ask for one"
