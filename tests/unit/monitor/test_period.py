"""The period rule: calendar month of the event's time in Dutch local time, checked against tzdata."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.monitor.domain.period import Period, dutch_local_time, period_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_new_years_eve_late_in_utc_counts_for_january():
    assert period_of(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == Period(2027, 1)
    assert period_of(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == Period(2026, 12)


def test_summer_time_moves_the_month_boundary_by_two_hours():
    assert period_of(datetime(2026, 7, 31, 21, 59, tzinfo=UTC)) == Period(2026, 7)
    assert period_of(datetime(2026, 7, 31, 22, 0, tzinfo=UTC)) == Period(2026, 8)


def test_an_offset_other_than_utc_is_honoured():
    assert period_of(datetime(2026, 11, 1, 0, 30, tzinfo=timezone(timedelta(hours=3)))) == Period(2026, 10)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        period_of(datetime(2026, 11, 1))


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2030, 2038])
def test_local_time_matches_the_time_zone_database_around_every_transition(year):
    start = datetime(year, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=30 * step) for step in range(0, 366 * 48, 7)]
    for transition_month in (3, 10):  # every half hour around the last Sundays
        base = datetime(year, transition_month, 24, tzinfo=UTC)
        moments += [base + timedelta(minutes=30 * step) for step in range(8 * 48)]
    for moment in moments:
        assert dutch_local_time(moment) == moment.astimezone(AMSTERDAM).replace(tzinfo=None), moment
