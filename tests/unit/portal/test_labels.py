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


def test_a_monitor_row_reads_its_metrics_own_labels_so_other_is_not_a_verdicts_ground():
    from services.portal.labels import outcome_label

    assert outcome_label("self", "referral_source") == label("self", "referral_source") == "Het gezin zelf"
    assert outcome_label("other", "placement_cause") == "Anders"
    assert outcome_label("other", "referral_source") == "Anders"
    assert outcome_label("other", "verdict") == "Overig"  # a verdict's other ground
    assert outcome_label("own_network", "outflow") == "Eigen netwerk"
    assert outcome_label("partly_placed", "placement") == "Deels geplaatst"
