"""The portal in front of the real services in-process (support.in_process_chain), fresh per
test, on 28 November 2026 by a FakeClock. Modules that share one chain across their tests
(test_pages.py, test_pages_actors.py) define their own `chain`."""

from __future__ import annotations

import pytest_asyncio

from shared.clock import FakeClock
from tests.support import events as monitor_events
from tests.unit.portal.support import in_process_chain


@pytest_asyncio.fixture
async def chain(tmp_path):
    async with in_process_chain(tmp_path, FakeClock(monitor_events.on(28))) as chain:
        yield chain
