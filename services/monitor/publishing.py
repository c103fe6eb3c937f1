"""The publication of a municipality-year (domain/publication.py), settled once and kept
until a count of that year changes: every suppressed output of that year reads the same
settlement, so no two outputs disagree about what is suppressed.

A year has changed when its latest `period_change` moved (any monitor instance counted) or
this instance counted anything since (`version`: clocks may stand still in tests)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.monitor import reads
from services.monitor.domain.publication import Publication, publish

KEPT = 64  # municipality-years kept settled


class Publications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], version: Callable[[], int]):
        self._sessions = sessions
        self._version = version
        self._kept: OrderedDict[tuple[str, int], tuple[tuple[datetime | None, int], Publication]] = OrderedDict()
        self._lock = asyncio.Lock()

    async def of(self, municipality: str, year: int) -> Publication:
        async with self._lock:  # one settlement at a time: it is CPU work
            changed = (await reads.year_changed(self._sessions, municipality, year), self._version())
            kept = self._kept.get((municipality, year))
            if kept is not None and kept[0] == changed:
                self._kept.move_to_end((municipality, year))
                return kept[1]
            cells = await reads.cells(self._sessions, municipality, year=year)
            districts = sorted({cell.district for cell, _ in cells if cell.district})
            publication = await asyncio.to_thread(publish, cells, districts)
            self._kept[(municipality, year)] = (changed, publication)
            if len(self._kept) > KEPT:
                self._kept.popitem(last=False)
            return publication
