"""The feedback loop's pure rules: what a team may report when, and the collection-suspension window."""

from datetime import date

import pytest

from shared.contracts.events.prevention import PreventionOutcome
from services.triage.domain.feedback import (
    FeedbackKind,
    FeedbackRefused,
    FeedbackSoFar,
    add_months,
    check_feedback,
    collection_suspended_until,
    counts_as_contact,
)
from services.triage.domain.late_in_view import check_due_at, urgent_ggd_alert_needed

ALERTED = date(2026, 11, 28)
TODAY = date(2026, 12, 20)


def test_reports_are_accepted_in_any_order_until_the_final_one():
    check_feedback(FeedbackKind.INTERMEDIATE, TODAY, FeedbackSoFar(), ALERTED, TODAY)
    check_feedback(FeedbackKind.FINAL, TODAY, FeedbackSoFar(contact_made_on=ALERTED), ALERTED, TODAY)


@pytest.mark.parametrize(
    ("kind", "so_far", "field", "conflict"),
    [
        (FeedbackKind.CONTACT_MADE, FeedbackSoFar(contact_made_on=ALERTED), "type", True),
        (FeedbackKind.INTERMEDIATE, FeedbackSoFar(intermediate_report_on=ALERTED), "type", True),
        (FeedbackKind.INTERMEDIATE, FeedbackSoFar(final_report_on=ALERTED), "type", True),
        (FeedbackKind.FINAL, FeedbackSoFar(final_report_on=ALERTED), "type", True),
    ],
)
def test_a_report_given_twice_or_after_the_final_one_is_a_conflict(kind, so_far, field, conflict):
    with pytest.raises(FeedbackRefused) as refused:
        check_feedback(kind, TODAY, so_far, ALERTED, TODAY)
    assert (refused.value.field, refused.value.conflict) == (field, conflict)


def test_a_report_dated_in_the_future_or_before_the_alert_names_the_date():
    for reported_on in (date(2026, 12, 21), date(2026, 11, 27)):
        with pytest.raises(FeedbackRefused) as refused:
            check_feedback(FeedbackKind.CONTACT_MADE, reported_on, FeedbackSoFar(), ALERTED, TODAY)
        assert refused.value.field == "reported_on" and not refused.value.conflict


def test_collection_is_suspended_until_the_final_report():
    due = date(2026, 12, 26)
    assert collection_suspended_until(due) == due, "no final report yet: until it is due"
    assert collection_suspended_until(due, date(2026, 12, 22)) == date(2026, 12, 22), "collection may resume"


def test_a_pending_debt_settlement_keeps_collection_suspended_for_at_most_nine_months():
    assert collection_suspended_until(date(2026, 12, 26), date(2026, 12, 22), True) == date(2027, 9, 22)
    assert collection_suspended_until(None, date(2026, 12, 22), True) is None, "no suspension agreed for this route"


def test_months_are_calendar_months():
    assert add_months(date(2026, 5, 31), 9) == date(2027, 2, 28)
    assert add_months(date(2027, 5, 31), 9) == date(2028, 2, 29)


def test_contact_is_made_or_reported_as_reached():
    assert counts_as_contact(FeedbackKind.CONTACT_MADE)
    assert counts_as_contact(FeedbackKind.FINAL, PreventionOutcome.DEBT_HELP_STARTED)
    assert counts_as_contact(FeedbackKind.FINAL, PreventionOutcome.ALREADY_KNOWN)
    assert not counts_as_contact(FeedbackKind.FINAL, PreventionOutcome.NOT_REACHED)
    assert not counts_as_contact(FeedbackKind.FINAL, PreventionOutcome.REFUSED)
    assert not counts_as_contact(FeedbackKind.INTERMEDIATE)


@pytest.mark.parametrize(
    ("is_family", "plan", "days_ahead", "needed"),
    [
        (True, None, 14, True),
        (True, None, 0, True),
        (None, None, 10, True),  # composition unknown: act as if a family
        (True, None, 15, False),  # not yet within the window
        (True, None, -1, False),  # already past
        (True, date(2026, 11, 1), 3, False),  # a safety-net plan was made
        (False, None, 3, False),
    ],
)
def test_urgent_ggd_alert_for_a_family_without_a_safety_net_plan_with_the_eviction_close(is_family, plan, days_ahead, needed):
    eviction = date.fromordinal(TODAY.toordinal() + days_ahead)
    assert urgent_ggd_alert_needed(is_family, plan, eviction, TODAY, 14) is needed


def test_the_check_is_due_when_the_window_opens():
    assert check_due_at(date(2027, 1, 15), 14).isoformat() == "2027-01-01T00:00:00+00:00"
