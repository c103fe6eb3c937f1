"""Placement's app on the in-memory bus and a SQLite database (tests.support.placement)."""

import pytest

from services.placement.app import create_app
from tests.support.placement import make_runtime


@pytest.fixture
def runtime(tmp_path, bus, clock):
    return make_runtime(tmp_path, bus, clock)


@pytest.fixture
def app(runtime):
    return create_app(runtime)
