"""Recipients subscribe webhooks, see their deliveries, and replay dead-lettered ones."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, UrlConstraints, field_validator

from shared.auth import caller
from shared.contracts.fields import MAX_URL_LENGTH, Text
from shared.caller import Caller
from shared.deps import RuntimeDep
from services.notifications.handlers import NOTIFIABLE_NAMES
from services.notifications import subscriptions
from services.notifications.batching import MAX_BATCH_EVENTS, MAX_BATCH_WAIT_SECONDS, DeliveryMode
from services.notifications.verification import CallbackVerifier

router = APIRouter(prefix="/v1", tags=["notifications"])
Recipient = Annotated[Caller, Depends(caller())]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    callback_url: Annotated[AnyHttpUrl, UrlConstraints(max_length=MAX_URL_LENGTH)] = Field(
        description="https in production, at a public address (or a network the deployment allows)"
    )
    event_types: list[Text(60)] = Field(default=[], max_length=20, description="short names, e.g. alert.raised; empty means all")
    delivery_mode: DeliveryMode = Field(
        DeliveryMode.SINGLE,
        description="single: one CloudEvent per POST (application/cloudevents+json); batch: a JSON array of "
        "CloudEvents per POST (application/cloudevents-batch+json)",
    )
    batch_max_events: int = Field(20, ge=1, le=MAX_BATCH_EVENTS, description="batch mode: at most this many events per POST")
    batch_max_wait_seconds: int = Field(
        5, ge=0, le=MAX_BATCH_WAIT_SECONDS, description="batch mode: an event waits at most this long for others to join it"
    )

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
    delivery_mode: DeliveryMode
    batch_max_events: int
    batch_max_wait_seconds: int
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
    verifier: CallbackVerifier = request.app.state.callback_verifier
    try:
        subscription = await subscriptions.subscribe(runtime, verifier, organisation.id, body)
    except subscriptions.CallbackRefused as refused:
        raise _callback_refused(refused) from None
    return SubscriptionCreated.model_validate(subscription.model_dump())


def _callback_refused(refused: subscriptions.CallbackRefused) -> HTTPException:
    """400: the URL is not one the chain calls; 422: a well-formed request whose callback did
    not echo the challenge (a semantic refusal, docs/adr/0026)."""
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if refused.kind == "callback_not_verified" else status.HTTP_400_BAD_REQUEST
    detail = [{"loc": ["body", "callback_url"], "msg": str(refused), "type": refused.kind}]
    return HTTPException(code, detail=detail)


@router.get("/subscriptions", response_model=list[SubscriptionView], summary="Your webhooks")
async def list_subscriptions(organisation: Recipient, runtime: RuntimeDep) -> list[SubscriptionView]:
    return [SubscriptionView.model_validate(s.model_dump()) for s in await subscriptions.subscriptions_of(runtime, organisation.id)]


@router.delete("/subscriptions/{subscription_id}", status_code=204, summary="Stop a webhook")
async def unsubscribe(subscription_id: UUID, organisation: Recipient, runtime: RuntimeDep) -> Response:
    await subscriptions.unsubscribe(runtime, organisation, subscription_id)
    return Response(status_code=204)


@router.get("/deliveries", response_model=list[DeliveryView], summary="Deliveries to your organisation")
async def list_deliveries(
    organisation: Recipient,
    runtime: RuntimeDep,
    state: Annotated[Literal["pending", "delivered", "dead"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryView]:
    found = await subscriptions.deliveries_of(runtime, organisation.id, state, limit)
    return [DeliveryView.model_validate(d.model_dump()) for d in found]


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryView, summary="Try a dead delivery again")
async def replay(delivery_id: UUID, organisation: Recipient, runtime: RuntimeDep, request: Request) -> DeliveryView:
    delivery = await subscriptions.replay(runtime, organisation, delivery_id)
    request.app.state.deliverer.wake()
    return DeliveryView.model_validate(delivery.model_dump())
