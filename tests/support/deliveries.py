"""Deliverers on a real database sending to a real receiver, for the tests of sending once.

Deliveries are written as the fan-out writes them (services.notifications.fanout),
one per alert, to one subscription at a WebhookReceiver path; the deliverers run
as the service runs them, until the test has seen what it waits for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from contextlib import asynccontextmanager

from sqlmodel import func, select

from shared.bus.memory import InMemoryBus
from shared.clock import SystemClock
from shared.persistence.database import create_tables
from shared.runtime import Runtime, build_runtime
from services.notifications.app import deliverer_for
from services.notifications.fanout import add_deliveries
from services.notifications.pinned_transport import PinnedTransport
from services.notifications.webhook_transport import WebhookTransport
from services.notifications.settings import NotificationsSettings
from services.notifications.staging import write_staged
from services.notifications.tables import METADATA, Delivery, Subscription
from services.notifications.zgw.notificatie import ResourceLinks
from tests.support.webhook_receiver import WebhookReceiver
from tests.support.events import alert_event

RECIPIENT = "ggd-amsterdam-vangnet"


def runtime_on(database_url: str, **settings) -> Runtime:
    """A notifications runtime on the wall clock: leases and request timeouts run in real time."""
    return build_runtime(NotificationsSettings(database_url=database_url, **settings), bus=InMemoryBus(), clock=SystemClock())


async def seed(runtime: Runtime, receiver: WebhookReceiver, path: str, alerts: int) -> set[str]:
    """A subscription at `path` and one pending delivery per alert; the alerts' CloudEvent ids."""
    await create_tables(runtime.engine, METADATA)
    now = runtime.clock.now()
    subscription = Subscription(
        id=uuid.uuid4(), organisation_id=RECIPIENT, callback_url=receiver.url(path), event_types=[],
        secret="whsec_" + uuid.uuid4().hex, created_at=now,
    )
    receiver.secrets[path] = subscription.secret
    events = [alert_event(RECIPIENT, now) for _ in range(alerts)]
    async with runtime.sessions() as session, session.begin():
        session.add(subscription)
        await session.flush()
        for event in events:
            await add_deliveries(session, event, RECIPIENT, now, ResourceLinks.of(runtime.settings))
        await write_staged(session, now)
    return {str(event.id) for event in events}


async def deliveries(runtime: Runtime) -> list[Delivery]:
    async with runtime.sessions() as session:
        return list((await session.exec(select(Delivery))).all())


async def all_delivered(runtime: Runtime, count: int) -> list[Delivery] | None:
    found = await deliveries(runtime)
    return found if len(found) == count and all(d.status == "delivered" for d in found) else None


async def undelivered(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Delivery).where(Delivery.status != "delivered"))).one()


def attempts(found: list[Delivery]) -> Counter:
    return Counter(d.attempts for d in found)


def connections(runtime: Runtime) -> WebhookTransport:
    return WebhookTransport(runtime.settings.delivery_concurrency)


@asynccontextmanager
async def delivering(*runtimes: Runtime):
    """Run one deliverer per runtime (as one service instance each) until the block ends."""
    stop = asyncio.Event()
    transports = [PinnedTransport(runtime.settings.callback_policy, connections(runtime)) for runtime in runtimes]
    deliverers = [deliverer_for(runtime, transport) for runtime, transport in zip(runtimes, transports)]
    tasks = [asyncio.create_task(deliverer.run(stop)) for deliverer in deliverers]
    try:
        yield deliverers
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for transport in transports:
            await transport.aclose()
        for runtime in runtimes:
            await runtime.engine.dispose()
