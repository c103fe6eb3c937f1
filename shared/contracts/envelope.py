"""CloudEvents 1.0 envelope (NL GOV profile) and its Kafka binding.

Binding: structured content mode. The record value is the whole CloudEvent as
JSON (`content-type: application/cloudevents+json`), the record key is the
`subject` (the case pseudonym), so every event about one household lands on
one partition, in order. Structured mode keeps a dead-lettered record
self-describing: its original bytes are the complete event.

Trace context: the CloudEvents distributed-tracing extension, `traceparent` and
`tracestate` (W3C), the context of the span that produced the event (shared.tracing).
A malformed one is dropped on reading, never refused: the consumer starts a new trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Mapping
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.contracts.events import REGISTRY, EventData
from shared.tracing import well_formed_traceparent

CONTENT_TYPE = "application/cloudevents+json"
MAX_EVENT_BYTES = 256 * 1024
MAX_TRACESTATE = 512  # W3C: 32 list members, a vendor may cut it at 512 characters


class ContractError(ValueError):
    """A record that is not a valid event of the chain. The message says why."""


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    source: str = Field(pattern=r"^urn:nld:[a-z]+:[A-Za-z0-9.\-]+(:[A-Za-z0-9.\-:]+)?$")
    type: str = Field(pattern=r"^nl\.signaalketen\.[a-z\-.]+\.v\d+$")
    time: AwareDatetime
    subject: str = Field(min_length=8, max_length=80, pattern=r"^[a-z]+-[0-9a-f]+$")
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = Field(None, max_length=500, pattern=r"^https?://\S+$")
    dataref: str | None = None
    sequence: str | None = Field(None, pattern=r"^[0-9]{10}$", description="position in its stream (shared.persistence.sequence)")
    data: dict[str, Any]
    traceparent: str | None = None  # distributed-tracing extension (W3C trace context)
    tracestate: str | None = None

    @field_validator("traceparent", "tracestate", mode="before")
    @classmethod
    def _trace_context_or_none(cls, value: Any, info) -> str | None:
        """A malformed trace context is dropped, not refused: the event starts a new trace."""
        if info.field_name == "traceparent":
            return value if well_formed_traceparent(value) else None
        return value if isinstance(value, str) and len(value) <= MAX_TRACESTATE else None


@dataclass(frozen=True)
class Event:
    """A validated CloudEvent with its typed data."""

    envelope: CloudEvent
    data: EventData

    @property
    def id(self) -> UUID:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def subject(self) -> str:
        return self.envelope.subject


def new_event(
    data: EventData,
    *,
    source: str,
    subject: str,
    time: datetime,
    event_id: UUID | None = None,
    dataschema: str | None = None,
    trace_context: Mapping[str, str] | None = None,
) -> Event:
    """`dataschema`: the URL of the JSON Schema of `data` (shared.contracts.schemas);
    `trace_context`: the producing span's `traceparent` and `tracestate` (shared.tracing.trace_fields)."""
    envelope = CloudEvent(
        id=event_id or uuid4(),
        source=source,
        type=data.event_type,
        time=time,
        subject=subject,
        dataschema=dataschema,
        data=data.model_dump(mode="json"),
        traceparent=(trace_context or {}).get("traceparent"),
        tracestate=(trace_context or {}).get("tracestate"),
    )
    return Event(envelope=envelope, data=data)


def with_sequence(value: str, sequence: str) -> str:
    """An encoded event (the outbox's value, a delivery's body) with its `sequence` set."""
    envelope = CloudEvent.model_validate_json(value).model_copy(update={"sequence": sequence})
    return envelope.model_dump_json(exclude_none=True)


def encode_with_sequence(event: Event, sequence: str) -> str:
    """The event encoded with its `sequence` set: serialised once (the outbox's value)."""
    return event.envelope.model_copy(update={"sequence": sequence}).model_dump_json(exclude_none=True)


def encode(event: Event) -> bytes:
    return event.envelope.model_dump_json(exclude_none=True).encode()


def decode(raw: bytes | None) -> Event:
    """Bytes from Kafka to a typed Event, or ContractError naming what is wrong."""
    if raw is None:
        raise ContractError("empty record value")
    if len(raw) > MAX_EVENT_BYTES:
        raise ContractError(f"record of {len(raw)} bytes exceeds the limit of {MAX_EVENT_BYTES}")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractError(f"not JSON: {exc}") from None
    try:
        envelope = CloudEvent.model_validate(document)
    except ValidationError as exc:
        raise ContractError(f"invalid CloudEvent envelope: {_describe(exc)}") from None
    model = REGISTRY.get(envelope.type)
    if model is None:
        raise ContractError(f"unknown event type {envelope.type!r}")
    try:
        data = model.model_validate(envelope.data)
    except ValidationError as exc:
        raise ContractError(f"invalid data for {envelope.type}: {_describe(exc)}") from None
    return Event(envelope=envelope, data=data)


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}" for error in exc.errors()
    )
