"""The bailiff's and the police officer's forms: what each signal type asks, checked before
sending, with a Dutch message per field (which role gets which: test_signal_forms.py)."""

from datetime import date

from services.portal import eviction_forms as ef

TODAY = date(2026, 11, 28)
DWELLING = {"dwelling": "0363010001004477", "observed_on": "2026-11-27"}


def test_a_scheduled_eviction_needs_its_date():
    parsed = ef.eviction_signal(ef.SCHEDULED, {**DWELLING, "eviction_date": "2026-12-10"}, TODAY)
    assert parsed.body == {
        "type": "eviction.scheduled",
        "address": {"adresseerbaarObjectIdentificatie": "0363010001004477"},
        "observed_on": "2026-11-27",
        "eviction_date": "2026-12-10",
    }
    assert ef.eviction_signal(ef.SCHEDULED, DWELLING, TODAY).errors == {
        "eviction_date": "Vul de datum van de ontruiming in (jjjj-mm-dd)."
    }


def test_an_executed_eviction_needs_an_outcome_of_the_intakes_list_and_may_carry_its_planned_date():
    parsed = ef.eviction_signal(ef.EXECUTED, {**DWELLING, "outcome": "left_unknown_destination", "eviction_date": "2026-11-27"}, TODAY)
    assert parsed.body["outcome"] == "left_unknown_destination" and parsed.body["eviction_date"] == "2026-11-27"
    assert "eviction_date" not in ef.eviction_signal(ef.EXECUTED, {**DWELLING, "outcome": "evicted"}, TODAY).body
    assert set(ef.eviction_signal(ef.EXECUTED, {**DWELLING, "outcome": "burnt"}, TODAY).errors) == {"outcome"}
    assert set(ef.eviction_signal(ef.EXECUTED, {**DWELLING, "outcome": "evicted", "eviction_date": "27-11"}, TODAY).errors) == {"eviction_date"}


def test_a_cancellation_reason_is_optional_and_short():
    assert "reason" not in ef.eviction_signal(ef.CANCELLED, DWELLING, TODAY).body
    assert ef.eviction_signal(ef.CANCELLED, {**DWELLING, "reason": " betaald "}, TODAY).body["reason"] == "betaald"
    assert set(ef.eviction_signal(ef.CANCELLED, {**DWELLING, "reason": "x" * 201}, TODAY).errors) == {"reason"}


def test_a_family_found_has_adults_and_at_least_one_child():
    parsed = ef.eviction_signal(ef.FAMILY_FOUND, {**DWELLING, "adults": "2", "children_ages": "3, 7"}, TODAY)
    assert (parsed.body["adults"], parsed.body["children_ages"]) == (2, [3, 7])
    none = ef.eviction_signal(ef.FAMILY_FOUND, {**DWELLING, "adults": "0", "children_ages": ""}, TODAY)
    assert set(none.errors) == {"adults", "children_ages"} and "minstens één kind" in none.errors["children_ages"]


def test_the_dwelling_and_a_date_in_the_past_are_asked_of_every_type():
    parsed = ef.eviction_signal(ef.FAMILY_FOUND, {"observed_on": "2026-11-29", "adults": "1", "children_ages": "4"}, TODAY)
    assert set(parsed.errors) == {"dwelling", "observed_on"}
    by_postcode = {"postcode": "8911 ab", "huisnummer": "12", "gemeentecode": "0080", "observed_on": "2026-11-28"}
    assert ef.eviction_signal(ef.CANCELLED, by_postcode, TODAY).body["address"] == {
        "postcode": "8911AB", "huisnummer": 12, "gemeentecode": "0080",
    }  # fmt: skip
