"""The kanalen of the ZGW facade and the filters an abonnement may set on them (pure):
only privacy-poor kenmerken, values of their shape, and Open Notificaties' matching."""

import pytest

from shared.contracts import event_types
from services.notifications.fanout import NOTIFIABLE
from services.notifications.zgw.kanalen import ALERTS, KANALEN, PLACEMENT, InvalidParam, filter_group_problems, kanaal_of, matches

CASE = "hh-" + "0123456789abcdef" * 2
FOUND = {"casusPseudoniem": CASE, "gemeentecode": "0363", "gebeurtenis": "alert.raised"}


def test_every_event_the_chain_notifies_is_on_exactly_one_kanaal_and_nothing_else_is():
    carried = [event_type for kanaal in KANALEN for event_type in kanaal.acties]
    assert sorted(carried) == sorted(NOTIFIABLE)
    assert kanaal_of(event_types.ALERT_ESCALATED) is ALERTS and kanaal_of(event_types.PLACEMENT_OFFERED) is PLACEMENT
    assert kanaal_of(event_types.HOUSEHOLD_ASSESSED) is None  # never leaves the chain this way


def test_kanalen_have_names_and_ids_that_never_change():
    assert [k.naam for k in KANALEN] == ["signaalketen-alerts", "signaalketen-placement"]
    assert str(ALERTS.uuid) == "3095a238-716d-55da-888f-33c42ca756f5"  # clients may have stored the kanaal's URL
    assert all(len(k.naam) <= 50 for k in KANALEN)  # the standard's maximum


@pytest.mark.parametrize(
    ("filters", "wanted"),
    [
        ({}, True),
        ({"gemeentecode": "0363"}, True),
        ({"gemeentecode": "0344"}, False),
        ({"gemeentecode": "*"}, True),
        ({"gemeentecode": "0363", "gebeurtenis": "alert.escalated"}, False),
        ({"gemeentecode": "0363", "gebeurtenis": "alert.raised", "casusPseudoniem": CASE}, True),
        ({"casusPseudoniem": "hh-" + "f" * 32}, False),
    ],
)
def test_a_group_matches_when_every_filter_equals_the_kenmerk_or_is_a_wildcard(filters, wanted):
    assert matches([{"naam": "signaalketen-alerts", "filters": filters}], "signaalketen-alerts", FOUND) is wanted


def test_an_abonnement_wants_a_notificatie_when_any_group_of_its_kanaal_matches():
    groups = [
        {"naam": "signaalketen-placement", "filters": {}},
        {"naam": "signaalketen-alerts", "filters": {"gemeentecode": "0344"}},
        {"naam": "signaalketen-alerts", "filters": {"gemeentecode": "0363"}},
    ]
    assert matches(groups, "signaalketen-alerts", FOUND)
    assert not matches(groups[:2], "signaalketen-alerts", FOUND), "a group of another kanaal does not count"
    assert not matches([], "signaalketen-alerts", FOUND)


def test_a_kenmerk_the_notificatie_lacks_matches_only_a_wildcard():
    partial = {"gemeentecode": "0363"}
    assert not matches([{"naam": "signaalketen-alerts", "filters": {"casusPseudoniem": CASE}}], "signaalketen-alerts", partial)
    assert matches([{"naam": "signaalketen-alerts", "filters": {"casusPseudoniem": "*"}}], "signaalketen-alerts", partial)


def test_valid_filters_have_no_problems():
    filters = {"casusPseudoniem": CASE, "gemeentecode": "0363", "gebeurtenis": "placement.offered"}
    assert filter_group_problems(0, "signaalketen-placement", filters) == []
    assert filter_group_problems(0, "signaalketen-alerts", {"gebeurtenis": "*"}) == []


def test_an_unknown_kanaal_is_named_with_the_choice():
    [problem] = filter_group_problems(2, "zaken", {})
    assert problem == InvalidParam("kanalen.2.naam", "kanaal-unknown", "no such kanaal; choose from ['signaalketen-alerts', 'signaalketen-placement']")


@pytest.mark.parametrize("key", ["bsn", "naam", "adres", "postcode", "geboortedatum", "burgerservicenummer"])
def test_personal_data_cannot_be_filtered_on_and_the_refusal_names_the_key(key):
    [problem] = filter_group_problems(0, "signaalketen-alerts", {key: "x"})
    assert problem.name == f"kanalen.0.filters.{key}" and problem.code == "filter-unknown"
    assert "casusPseudoniem" in problem.reason and "x" not in problem.reason.replace("gebeurtenis", "")


def test_a_key_that_is_not_a_plain_identifier_is_refused_without_being_repeated():
    [problem] = filter_group_problems(0, "signaalketen-alerts", {"999999990": "1"})
    assert problem.name == "kanalen.0.filters" and "999999990" not in problem.reason


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("gemeentecode", "999999990"),  # a BSN where a municipality code belongs
        ("gemeentecode", "363"),
        ("casusPseudoniem", "Jansen"),
        ("casusPseudoniem", "hh-xyz"),
        ("gebeurtenis", "placement.offered"),  # not on the alerts kanaal
        ("gebeurtenis", "signal.received"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_without_being_repeated(key, value):
    [problem] = filter_group_problems(0, "signaalketen-alerts", {key: value})
    assert problem.name == f"kanalen.0.filters.{key}" and problem.code == "filter-value-invalid"
    assert value not in problem.reason
