"""The triage service in-process: SQLite, in-memory bus, FakeClock, and the real
register stand-in (served on a loopback port) behind the Haal Centraal clients.

Signals are put on the bus as the intake would publish them; the timers are
called directly after the clock moves (the timer worker's own interval is an
hour, so it never races a test). The driver is tests.support.triage.Triage."""

from __future__ import annotations

import pytest

from shared.runtime import build_runtime
from services.triage.app import create_app
from services.triage.settings import TriageSettings
from tests.support.apps import running
from tests.support.register_server import PERSONEN_BASE, running_register
from tests.support.triage import Triage


@pytest.fixture(scope="session")
def register_root():
    with running_register() as root:
        yield root


@pytest.fixture
def settings(tmp_path, register_root):
    return TriageSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/triage.db",
        register_url=register_root + PERSONEN_BASE,
        register_attempts=1,
        timer_interval_seconds=3600,
        report_escalation_days=3,
    )


@pytest.fixture
def runtime(settings, bus, clock):
    return build_runtime(settings, bus=bus, clock=clock)


@pytest.fixture
def app(runtime):
    return create_app(runtime)


@pytest.fixture
async def triage(app, bus, clock, runtime):
    async with running(app) as client:
        yield Triage(app=app, client=client, bus=bus, clock=clock, runtime=runtime)
