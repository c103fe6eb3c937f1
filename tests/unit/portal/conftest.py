"""The portal in front of the real services in-process (support.in_process_chain) on 28 November
2026 by a FakeClock: `chain` fresh per test, without triage; `logged_out`, one chain per module
with triage and the register stand-in. test_pages.py shares one chain without triage per module."""

from __future__ import annotations

import pytest
import pytest_asyncio

from shared.clock import FakeClock
from tests.support import events as monitor_events
from tests.support.register_server import PERSONEN_BASE, running_register
from tests.unit.portal.support import in_process_chain, logged_out_of


@pytest_asyncio.fixture
async def chain(tmp_path):
    async with in_process_chain(tmp_path, FakeClock(monitor_events.on(28))) as chain:
        yield chain


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chain_with_triage(tmp_path_factory):
    """One chain per module with triage and the register stand-in; every test makes its own data."""
    with running_register() as register:
        clock = FakeClock(monitor_events.on(28))
        async with in_process_chain(tmp_path_factory.mktemp("triage"), clock, register + PERSONEN_BASE) as chain:
            yield chain


@pytest.fixture
def logged_out(chain_with_triage):
    """The module's chain with triage, the browser's cookies forgotten: each test logs in itself."""
    return logged_out_of(chain_with_triage)

