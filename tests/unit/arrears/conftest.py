"""The intake in-process: in-memory bus, SQLite file, FakeClock."""

import pytest

from shared.clock import FakeClock
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import unit_runtime


@pytest.fixture
def app(tmp_path, bus):
    return create_app(unit_runtime(ArrearsSettings, tmp_path, bus, FakeClock()))
