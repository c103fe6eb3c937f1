"""Group commit: concurrent requests that each write a few rows share one transaction.

Under load many partners post at once. Each request writes little (a signal and its
outbox event); the transaction around it is most of its cost. The committer writes
what arrives while a transaction is in flight in the next one, so a busy intake
commits tens of requests at a time and a quiet one commits each at once.

A request returns only after its rows are committed. When a shared transaction
fails, each request's rows are written again in a transaction of its own, so an
error (a duplicate Idempotency-Key, say) reaches only the request it belongs to.
`write` is given a function that adds the request's objects to a session; after a
failed shared transaction it is called again with a fresh one. (A rolled-back session
gives its pending objects up, so adding the same objects again is fine; rows that
take server-side state, such as the outbox's id, are built anew on each call.)

Each request's function runs in that request's own context (its context variables, such
as its trace span: shared.tracing), not in that of the request whose turn started the
shared transaction, so the events it stages carry its own trace.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Callable

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

Stage = Callable[[AsyncSession], None]


class GroupCommit:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], max_group: int = 200):
        self._sessions = sessions
        self._max_group = max_group
        self._waiting: list[tuple[Stage, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self.transactions = 0

    async def write(self, stage: Stage) -> None:
        """Commit what `stage` adds, together with whatever else is waiting; raises its own error."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((_in_context_of_caller(stage), future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        await asyncio.shield(future)  # a caller that gives up does not cancel the others' commit

    async def _write_waiting(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[: self._max_group], self._waiting[self._max_group :]
            try:
                await self._commit([stage for stage, _ in group])
            except Exception:  # noqa: BLE001 - rolled back whole; each request on its own now
                for stage, future in group:
                    await self._write_alone(stage, future)
                continue
            for _, future in group:
                _settle(future)

    async def _write_alone(self, stage: Stage, future: asyncio.Future) -> None:
        try:
            await self._commit([stage])
        except Exception as exc:  # noqa: BLE001 - handed to the request it belongs to
            _settle(future, exc)
        else:
            _settle(future)

    async def _commit(self, stages: list[Stage]) -> None:
        async with self._sessions() as session, session.begin():
            for stage in stages:
                stage(session)
        self.transactions += 1


def _in_context_of_caller(stage: Stage) -> Stage:
    caller = contextvars.copy_context()
    return lambda session: caller.run(stage, session)


def _settle(future: asyncio.Future, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
