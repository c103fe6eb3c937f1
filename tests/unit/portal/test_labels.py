"""Dutch words for the services' codes, and timeline facts made readable."""

from services.portal.labels import label, summary_items


def test_a_code_gets_its_dutch_label_and_an_unknown_code_shows_as_it_is():
    assert label("waitlisted", "request_status") == "Op wachtlijst"
    assert label("eviction.family-found", "signal_type") == "Gezin aangetroffen bij ontruiming"
    assert label("something.new", "signal_type") == "something.new"
    assert label(None, "priority") == ""


def test_timeline_facts_leave_out_empty_values_and_say_yes_or_no():
    summary = {
        "rule": "ams-family-found",
        "signal": {"municipality_code": "0363", "corporation": None, "last_chance": False},
        "household": {"is_family": True, "minors": 2},
        "minor_ages": [4, 9],
        "district": None,
        "uncertain": [],
    }
    assert summary_items(summary) == [
        ("rule", "ams-family-found"),
        ("signal", "municipality_code: 0363, last_chance: nee"),
        ("household", "is_family: ja, minors: 2"),
        ("minor_ages", "4, 9"),
    ]
