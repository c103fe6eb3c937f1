"""Recipients subscribe webhooks, see their deliveries, and replay dead-lettered ones."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints, field_validator
from sqlmodel import col, select

from shared.auth import caller
from shared.entitlement import owns
from shared.contracts.fields import MAX_URL_LENGTH, Text
from shared.organisations import Organisation
from shared.caller import Caller
from shared.runtime import Runtime
from shared.webhooks import new_secret
from services.notifications.fanout import NOTIFIABLE_NAMES
from services.notifications.tables import Delivery, Subscription
from services.notifications.verification import UNVERIFIED, CallbackNotVerified, CallbackVerifier

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["notifications"])
Recipient = Annotated[Caller, Depends(caller())]
NOT_FOUND = "not found"


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    callback_url: Annotated[AnyHttpUrl, UrlConstraints(max_length=MAX_URL_LENGTH)] = Field(
        description="https in production, at a public address (or a network the deployment allows)"
    )
    event_types: list[Text(60)] = Field(default=[], max_length=20, description="short names, e.g. alert.raised; empty means all")

    @field_validator("event_types")
    @classmethod
    def _known(cls, values: list[str]) -> list[str]:
        unknown = sorted(set(values) - NOTIFIABLE_NAMES)
        if unknown:
            raise ValueError(f"not notifiable; choose from {sorted(NOTIFIABLE_NAMES)}")  # never echo what was sent
        return values


class SubscriptionView(BaseModel):
    id: UUID
    callback_url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionView):
    secret: str = Field(description="shown once: verify the Signaalketen-Signature header with it")


class DeliveryView(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    subscription_id: UUID
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    last_status_code: int | None
    delivered_at: datetime | None


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Subscribe a webhook",
    responses={
        400: {"description": "invalid body, or a callback URL the chain does not call"},
        422: {"description": "the callback did not echo the challenge (one answer, whatever failed)"},
    },
)
async def subscribe(body: SubscriptionIn, organisation: Recipient, runtime: RuntimeDep, request: Request) -> SubscriptionCreated:
    """In production the callback must use https at an address the chain may send to; unless the
    handshake is switched off it first gets a signed verification request and must echo its
    challenge. Otherwise nothing is stored (see README.md)."""
    subscription = Subscription(
        id=uuid4(),
        organisation_id=organisation.id,
        callback_url=str(body.callback_url),
        event_types=body.event_types,
        secret=new_secret(),
        created_at=runtime.clock.now(),
    )
    verifier: CallbackVerifier = request.app.state.callback_verifier
    problem = verifier.url_problem(subscription.callback_url)
    if problem is not None:
        raise _callback_refused(f"callback URL {problem}", "callback_url_refused", status.HTTP_400_BAD_REQUEST)
    try:
        await verifier.verify(subscription.callback_url, subscription.secret, subscription.id, subscription.created_at)
    except CallbackNotVerified as reason:
        log.warning("subscription of %s not stored: callback at %s %s", organisation.id, body.callback_url.host, reason)
        raise _callback_refused(UNVERIFIED, "callback_not_verified", status.HTTP_422_UNPROCESSABLE_CONTENT) from None
    async with runtime.sessions() as session, session.begin():
        session.add(subscription)
    return SubscriptionCreated.model_validate(subscription.model_dump())


def _callback_refused(message: str, kind: str, code: int) -> HTTPException:
    """400: the URL is not one the chain calls; 422: a well-formed request whose callback did
    not echo the challenge (a semantic refusal, docs/adr/0026)."""
    detail = [{"loc": ["body", "callback_url"], "msg": message, "type": kind}]
    return HTTPException(code, detail=detail)


@router.get("/subscriptions", response_model=list[SubscriptionView], summary="Your webhooks")
async def list_subscriptions(organisation: Recipient, runtime: RuntimeDep) -> list[SubscriptionView]:
    async with runtime.sessions() as session:
        rows = await session.exec(select(Subscription).where(Subscription.organisation_id == organisation.id))
        return [SubscriptionView.model_validate(s.model_dump()) for s in rows.all()]


@router.delete("/subscriptions/{subscription_id}", status_code=204, summary="Stop a webhook")
async def unsubscribe(subscription_id: UUID, organisation: Recipient, runtime: RuntimeDep) -> Response:
    async with runtime.sessions() as session, session.begin():
        subscription = await session.get(Subscription, subscription_id)
        if subscription is None or not owns(organisation, subscription.organisation_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        subscription.active = False
        session.add(subscription)
    return Response(status_code=204)


@router.get("/deliveries", response_model=list[DeliveryView], summary="Deliveries to your organisation")
async def list_deliveries(
    organisation: Recipient,
    runtime: RuntimeDep,
    state: Annotated[Literal["pending", "delivered", "dead"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryView]:
    async with runtime.sessions() as session:
        query = select(Delivery).where(Delivery.recipient == organisation.id)
        if state is not None:
            query = query.where(Delivery.status == state)
        query = query.order_by(col(Delivery.created_at).desc()).limit(limit)
        return [DeliveryView.model_validate(d.model_dump()) for d in (await session.exec(query)).all()]


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryView, summary="Try a dead delivery again")
async def replay(delivery_id: UUID, organisation: Recipient, runtime: RuntimeDep, request: Request) -> DeliveryView:
    async with runtime.sessions() as session, session.begin():
        delivery = await session.get(Delivery, delivery_id)
        if delivery is None or not owns(organisation, delivery.recipient):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        if delivery.status != "dead":
            raise HTTPException(status.HTTP_409_CONFLICT, detail=f"delivery is {delivery.status}, not dead")
        delivery.status, delivery.attempts = "pending", 0
        delivery.next_attempt_at = runtime.clock.now()
        session.add(delivery)
    request.app.state.deliverer.wake()
    return DeliveryView.model_validate(delivery.model_dump())
