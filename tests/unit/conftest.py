"""Fixtures every unit test may ask for: the in-memory bus and a controlled clock."""

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock


@pytest.fixture
def bus():
    return InMemoryBus()


@pytest.fixture
def clock():
    return FakeClock()
