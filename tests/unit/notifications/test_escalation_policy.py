from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.contracts.events.triage import Priority
from services.notifications.domain.escalation import EscalationPolicy, add_working_days

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (local(2026, 11, 25, 10, 0), local(2026, 11, 27, 10, 0)),  # Wednesday -> Friday
        (local(2026, 11, 26, 16, 30), local(2026, 11, 30, 16, 30)),  # Thursday -> Monday
        (local(2026, 11, 27, 15, 0), local(2026, 12, 1, 15, 0)),  # Friday -> Tuesday: the weekend does not count
        (local(2026, 11, 28, 9, 0), local(2026, 12, 2, 0, 0)),  # Saturday: counts from Monday 00:00
        (local(2026, 11, 29, 23, 59), local(2026, 12, 2, 0, 0)),  # Sunday night: same
        (local(2026, 11, 30, 0, 0), local(2026, 12, 2, 0, 0)),  # Monday midnight
    ],
)
def test_two_working_days_skip_the_weekend(start, deadline):
    assert add_working_days(start, 2, AMSTERDAM) == deadline


def test_working_days_keep_the_local_hour_across_a_clock_change():
    friday = local(2026, 10, 23, 9, 0)  # summer time; the clocks go back on Sunday 25 October
    deadline = add_working_days(friday, 2, AMSTERDAM)
    assert deadline == local(2026, 10, 27, 9, 0)
    assert deadline.astimezone(UTC) - friday.astimezone(UTC) == timedelta(days=4, hours=1)  # one hour longer in real time


def test_the_weekday_is_the_teams_weekday_not_utc():
    late_friday_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already Saturday 00:30 in Amsterdam
    assert add_working_days(late_friday_utc, 2, AMSTERDAM) == local(2026, 12, 2, 0, 0)


def test_urgent_alerts_escalate_after_t_day_or_night_and_normal_ones_after_working_days():
    policy = EscalationPolicy(urgent_after=timedelta(hours=1), working_days=2, zone=AMSTERDAM)
    saturday_night = local(2026, 11, 28, 23, 0)
    assert policy.acknowledgement_due(Priority.URGENT, saturday_night) == saturday_night + timedelta(hours=1)
    assert policy.acknowledgement_due("normal", saturday_night) == local(2026, 12, 2, 0, 0)


def test_fallback_per_recipient_then_the_default_and_never_the_recipient_itself():
    policy = EscalationPolicy(fallback={"*": "ketenregie", "vroeg-eropaf-amsterdam": "meldpunt-zorg-overlast-amsterdam"})
    assert policy.fallback_for("vroeg-eropaf-amsterdam") == "meldpunt-zorg-overlast-amsterdam"
    assert policy.fallback_for("ggd-utrecht") == "ketenregie"
    assert policy.fallback_for("ketenregie") is None
    assert EscalationPolicy(fallback={"ggd-utrecht": "ketenregie"}).fallback_for("ggd-fryslan") is None
