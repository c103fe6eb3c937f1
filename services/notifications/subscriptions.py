"""Use cases of a recipient's webhooks: subscribe (the callback checked and verified first),
list, stop; and its deliveries: list, and replay a dead one. The routes (api.py) translate
HTTP to these and back; an object of another organisation is NotFound, as one that does not
exist (docs/adr/0011)."""

from __future__ import annotations

import logging
from typing import Protocol
from uuid import UUID, uuid4

from pydantic import AnyHttpUrl
from sqlmodel import col, select

from shared.entitlement import owns
from shared.errors import Conflict, NotFound
from shared.organisations import Organisation
from shared.runtime import Runtime
from shared.webhooks import new_secret
from services.notifications.batching import DeliveryMode
from services.notifications.tables import Delivery, Subscription
from services.notifications.verification import UNVERIFIED, CallbackNotVerified, CallbackVerifier

log = logging.getLogger(__name__)
NOT_FOUND = "not found"


class WebhookWanted(Protocol):
    """What a subscriber asks for (the API's SubscriptionIn)."""

    callback_url: AnyHttpUrl
    event_types: list[str]
    delivery_mode: DeliveryMode
    batch_max_events: int
    batch_max_wait_seconds: int


class CallbackRefused(ValueError):
    """The callback URL may not be used, or did not answer the handshake: nothing was stored."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


async def subscribe(runtime: Runtime, verifier: CallbackVerifier, organisation_id: str, wanted: WebhookWanted) -> Subscription:
    """Store a webhook once its URL is allowed and (unless the handshake is off) it echoed the challenge."""
    callback_url = wanted.callback_url
    subscription = Subscription(
        id=uuid4(),
        organisation_id=organisation_id,
        callback_url=str(callback_url),
        event_types=wanted.event_types,
        secret=new_secret(),
        created_at=runtime.clock.now(),
        delivery_mode=wanted.delivery_mode,
        batch_max_events=wanted.batch_max_events,
        batch_max_wait_seconds=wanted.batch_max_wait_seconds,
    )
    problem = verifier.url_problem(subscription.callback_url)
    if problem is not None:
        raise CallbackRefused(f"callback URL {problem}", "callback_url_refused")
    try:
        await verifier.verify(subscription.callback_url, subscription.secret, subscription.id, subscription.created_at)
    except CallbackNotVerified as reason:
        log.warning("subscription of %s not stored: callback at %s %s", organisation_id, callback_url.host, reason)
        raise CallbackRefused(UNVERIFIED, "callback_not_verified") from None
    async with runtime.sessions() as session, session.begin():
        session.add(subscription)
    return subscription


async def subscriptions_of(runtime: Runtime, organisation_id: str) -> list[Subscription]:
    async with runtime.sessions() as session:
        return list((await session.exec(select(Subscription).where(Subscription.organisation_id == organisation_id))).all())


async def unsubscribe(runtime: Runtime, organisation: Organisation, subscription_id: UUID) -> None:
    async with runtime.sessions() as session, session.begin():
        subscription = await session.get(Subscription, subscription_id)
        if subscription is None or not owns(organisation, subscription.organisation_id):
            raise NotFound(NOT_FOUND)
        subscription.active = False
        session.add(subscription)


async def deliveries_of(runtime: Runtime, organisation_id: str, status: str | None, limit: int) -> list[Delivery]:
    """The deliveries to an organisation, newest first, of one status or all."""
    async with runtime.sessions() as session:
        query = select(Delivery).where(Delivery.recipient == organisation_id)
        if status is not None:
            query = query.where(Delivery.status == status)
        query = query.order_by(col(Delivery.created_at).desc()).limit(limit)
        return list((await session.exec(query)).all())


async def replay(runtime: Runtime, organisation: Organisation, delivery_id: UUID) -> Delivery:
    """A dead delivery pending again, from its first attempt; Conflict for one that is not dead."""
    async with runtime.sessions() as session, session.begin():
        delivery = await session.get(Delivery, delivery_id)
        if delivery is None or not owns(organisation, delivery.recipient):
            raise NotFound(NOT_FOUND)
        if delivery.status != "dead":
            raise Conflict(f"delivery is {delivery.status}, not dead")
        delivery.status, delivery.attempts = "pending", 0
        delivery.next_attempt_at = runtime.clock.now()
        session.add(delivery)
    return delivery
