"""When a waitlisted family counts as lost from view: pure rule, once per silence."""

from datetime import UTC, datetime, timedelta

from services.placement.domain.lost_from_view import days_without_update, is_lost_from_view

NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_silent_for_the_configured_days_is_lost():
    assert is_lost_from_view("waitlisted", days_ago(14), None, NOW, 14)
    assert not is_lost_from_view("waitlisted", days_ago(13.9), None, NOW, 14)


def test_only_waitlisted_families_can_be_lost_from_view():
    for status in ("offered", "placed", "ended"):
        assert not is_lost_from_view(status, days_ago(60), None, NOW, 14)


def test_one_alert_per_silence():
    last_update = days_ago(30)
    assert not is_lost_from_view("waitlisted", last_update, days_ago(16), NOW, 14), "already alerted for this silence"


def test_an_update_after_the_alert_starts_a_new_silence():
    alerted = days_ago(30)
    assert not is_lost_from_view("waitlisted", days_ago(10), alerted, NOW, 14)
    assert is_lost_from_view("waitlisted", days_ago(15), alerted, NOW, 14)


def test_days_without_update_are_whole_days():
    assert days_without_update(days_ago(15.5), NOW) == 15
