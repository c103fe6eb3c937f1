"""The monitor's app on the in-memory bus and SQLite, its clock on 28 November 2026."""

import pytest

from shared.clock import FakeClock
from services.monitor.app import create_app
from services.monitor.settings import MonitorSettings
from tests.support import events
from tests.support.apps import unit_runtime


@pytest.fixture
def app(tmp_path, bus):
    return create_app(unit_runtime(MonitorSettings, tmp_path, bus, FakeClock(events.on(28))))
