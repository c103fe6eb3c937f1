"""The inbox: alerts for teams without a webhook (and everyone else), and acknowledging them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from shared.audit import audit_read
from shared.auth import caller
from shared.caller import Caller
from shared.runtime import Runtime
from services.notifications.alerts import AlertNotFound, acknowledge, visible_to
from services.notifications.tables import Alert

router = APIRouter(prefix="/v1/inbox", tags=["inbox"])
Recipient = Annotated[Caller, Depends(caller())]
NOT_FOUND = "not found"


class AcknowledgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acknowledged_by: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$",
        description="your own worker id (e.g. an employee number); never a name or e-mail address",
        examples=["mw-0417"],
    )


class InboxItem(BaseModel):
    alert_id: UUID
    case_key: str = Field(description="the case pseudonym (CloudEvent subject)")
    recipient: str
    kind: str
    priority: str
    reason: str
    due: datetime
    raised_at: datetime
    acknowledgement_due: datetime = Field(description="escalates to the fallback when not acknowledged by then")
    acknowledged_at: datetime | None
    acknowledged_by: str | None = Field(description="organisation that acknowledged")
    acknowledged_by_worker: str | None
    escalated_at: datetime | None
    escalated_to: str | None
    event: dict[str, Any] = Field(description="the alert.raised CloudEvent, as webhooks receive it")

    @classmethod
    def of(cls, alert: Alert) -> InboxItem:
        return cls.model_validate({**alert.model_dump(exclude={"body"}), "event": json.loads(alert.body)})


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.get("", response_model=list[InboxItem], summary="Alerts for your organisation, newest first")
async def inbox(
    organisation: Recipient,
    runtime: RuntimeDep,
    unacknowledged: Annotated[bool, Query(description="only alerts nobody acknowledged yet")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[InboxItem]:
    await audit_read(runtime, organisation, "list inbox alerts", f"inbox of {organisation.id}")
    async with runtime.sessions() as session:
        query = select(Alert).where(visible_to(organisation.id))
        if unacknowledged:
            query = query.where(col(Alert.acknowledged_at).is_(None))
        query = query.order_by(col(Alert.raised_at).desc()).limit(limit)
        return [InboxItem.of(alert) for alert in (await session.exec(query)).all()]


@router.get("/{alert_id}", response_model=InboxItem, summary="One alert for your organisation")
async def inbox_alert(alert_id: UUID, organisation: Recipient, runtime: RuntimeDep) -> InboxItem:
    """The `resourceUrl` of a ZGW alert notificatie (services/notifications/zgw)."""
    async with runtime.sessions() as session:
        alert = (await session.exec(select(Alert).where(Alert.alert_id == alert_id, visible_to(organisation.id)))).first()
    if alert is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    await audit_read(runtime, organisation, "read inbox alert", alert.case_key)
    return InboxItem.of(alert)


@router.post("/{alert_id}/acknowledge", response_model=InboxItem, summary="Say a person took the alert up")
async def acknowledge_alert(
    alert_id: UUID,
    organisation: Recipient,
    runtime: RuntimeDep,
    body: Annotated[AcknowledgementIn | None, Body()] = None,
) -> InboxItem:
    """The first acknowledgement counts; a repeat answers with it unchanged. Stops the escalation timer."""
    try:
        alert = await acknowledge(runtime, alert_id, organisation.id, body.acknowledged_by if body else None)
    except AlertNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND) from None
    await audit_read(runtime, organisation, "acknowledge alert", alert.case_key)
    return InboxItem.of(alert)
