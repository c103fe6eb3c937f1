"""Durable timers: time rules run from state in the database, checked on a clock.

A timer worker calls `check(now)` every `interval` seconds. The check selects
what is due (`due_at <= now`) from the database, acts, and records that it
acted, in one transaction; nothing sleeps until a deadline, so a restart loses
nothing and a test moves the clock instead of waiting.

A check that fails loses nothing either: what was due stays due. A transient
failure (the database away) is reported as a hold in the runtime's outages and
retried with capped backoff; any other failure is logged with its traceback and
the check runs again at the next tick (there is nothing to dead-letter).

Each check runs in a span of its own, `timer <name>`, that begins a new trace
(docs/adr/0031): the events it stages carry that trace's context, so the alerts,
deliveries and notificaties a deadline causes are one trace with the check that
fired it. The span says how much the check handled (`signaalketen.timer.handled`);
a tick that handled nothing is not exported (shared.tracing.tracer_provider).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from opentelemetry.context import Context
from opentelemetry.trace import Status, StatusCode, Tracer

from shared.clock import Clock
from shared.faults import classify
from shared.outages import Outages, RetryPolicy, pause
from shared.tracing import SCOPE, TIMER_HANDLED, unexported

log = logging.getLogger(__name__)

Check = Callable[[object], Awaitable[int]]


def timer_worker(
    clock: Clock,
    check: Callable,
    interval: float = 1.0,
    *,
    outages: Outages | None = None,
    name: str = "timer",
    retry: RetryPolicy = RetryPolicy(),
    tracer: Tracer | None = None,
):
    outages = outages if outages is not None else Outages()
    holder = f"timer {name}"
    tracer = tracer or unexported().get_tracer(SCOPE)

    async def fire() -> None:
        """One check, in a span that begins a trace of its own (a failure is recorded on it;
        a check cancelled by the stop is not a failure)."""
        attributes = {"signaalketen.timer": name}
        with tracer.start_as_current_span(
            holder, context=Context(), attributes=attributes, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                handled = await check(clock.now())
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            if isinstance(handled, int):
                span.set_attribute(TIMER_HANDLED, handled)

    async def run(stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            wait = interval
            try:
                await fire()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified; what was due stays due
                failures += 1
                wait = max(interval, retry.delay(failures))
                verdict = classify(exc)
                if verdict.transient:
                    outages.failed(holder, verdict)
                    log.warning("%s held: %s away (%s); retrying in %.1fs", holder, verdict.dependency, verdict.reason, wait)
                else:
                    outages.unclassified[holder] += 1
                    log.exception("%s failed; it runs again in %.1fs", holder, wait)
            else:
                failures = 0
                outages.recovered(holder)
            if await pause(stop, wait):
                return

    return run
