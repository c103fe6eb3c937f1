import random
from datetime import UTC, datetime, timedelta

from services.notifications.backoff import Backoff
from services.notifications.settings import NotificationsSettings

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_delays_grow_exponentially_within_jitter_bounds():
    backoff = Backoff(first_delay=10, max_delay=3600, max_attempts=12)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (10, 3600)]:
        delay = (backoff.next_attempt(attempt, NOW, rng) - NOW).total_seconds()
        assert ceiling / 2 <= delay <= ceiling


def test_after_the_last_attempt_there_is_no_next_one():
    assert Backoff(1, 10, 3).next_attempt(3, NOW) is None


def test_the_default_schedule_keeps_trying_for_about_a_day():
    settings = NotificationsSettings()
    backoff = Backoff(settings.retry_first_delay_seconds, settings.retry_max_delay_seconds, settings.retry_max_attempts)
    latest = sum(
        min(settings.retry_first_delay_seconds * 2 ** (n - 1), settings.retry_max_delay_seconds)
        for n in range(1, settings.retry_max_attempts)
    )
    expected = 0.75 * latest  # each wait is uniform between half and all of its ceiling
    assert timedelta(hours=20) <= timedelta(seconds=expected) <= timedelta(hours=28)
    assert backoff.next_attempt(settings.retry_max_attempts, NOW) is None
