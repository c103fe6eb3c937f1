"""A signal posted as a CloudEvent (HTTP binding 1.0, NL GOV profile), read into today's body.

Structured mode: `Content-Type: application/cloudevents+json`, the whole event as JSON.
Binary mode: the attributes as `ce-*` headers (`ce-specversion: 1.0` marks it), `data` as
the JSON body. Either way `type` names the signal (`nl.signaalketen.arrears.reported.v1`,
`SignalType.event_type`) and `data` is the body of POST /v1/signals without `type`, judged
exactly as that body. `id` + `source` are the idempotency key (docs/adr/0032).

The CloudEvents SDK reads the HTTP message (modes, `ce-` headers and their percent-
encoding, `data_base64`); the attributes are judged here, so that a refusal names the
field as the partner wrote it (`id` in structured mode, the `ce-id` header in binary) and a
missing `id` is refused rather than invented, as the SDK's own event class would.
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass
from typing import Any, Literal

from cloudevents.core.bindings.http import HTTPMessage, from_binary, from_structured
from cloudevents.core.formats.json import JSONFormat
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError, field_validator

from shared.contracts.event_types import SignalType
from shared.contracts.fields import Text
from shared.problems import clean_errors

STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
BINARY_MARK = "ce-specversion"
SIGNAL_EVENT_TYPES = {signal_type.event_type: signal_type for signal_type in SignalType}


class CloudEventRefused(ValueError):
    """A CloudEvent that is not a signal; `errors` are `{loc, msg, type}` entries (a 400's invalid-params)."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Form:
    """How the signal was posted: where its fields sit, for errors, and its idempotency key."""

    data_loc: tuple[str, ...]  # where the signal's fields are: ("body",), or ("body", "data")
    key: str | None = None
    key_loc: tuple[str, ...] = ("header", "Idempotency-Key")
    source: str | None = None  # a CloudEvent's source: must be the posting organisation's
    source_loc: tuple[str, ...] = ()


PLAIN = Form(data_loc=("body",))


class PostedEnvelope(BaseModel):
    """The attributes the intake reads; other extensions are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: Text(100, min_length=1)
    source: Text(200, min_length=1, pattern=r"^\S+$")
    type: Literal[tuple(SIGNAL_EVENT_TYPES)]  # type: ignore[valid-type]
    datacontenttype: Text(200) = "application/json"
    time: AwareDatetime | None = None
    data: dict[str, Any]

    @field_validator("datacontenttype")
    @classmethod
    def _json(cls, value: str) -> str:
        if value.split(";", 1)[0].strip().lower() != "application/json":
            raise ValueError("data must be application/json")
        return value


def is_cloud_event(headers: dict[str, str]) -> bool:
    return _media_type(headers) in (STRUCTURED, BATCH) or BINARY_MARK in headers


def _media_type(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def read(headers: dict[str, str], body: bytes) -> tuple[dict[str, Any], Form]:
    """The plain body of POST /v1/signals and how it was posted, or CloudEventRefused."""
    media_type = _media_type(headers)
    if media_type == BATCH:
        raise CloudEventRefused([_error(("header", "content-type"), "post one CloudEvent per request", "batch_not_accepted")])
    binary = media_type != STRUCTURED
    attributes = _attributes(HTTPMessage(headers=headers, body=body), binary)
    try:
        envelope = PostedEnvelope.model_validate(attributes)
    except ValidationError as exc:
        raise CloudEventRefused([_relocated(error, binary) for error in clean_errors(exc.errors())]) from None
    form = Form(
        data_loc=("body",) if binary else ("body", "data"),
        key=f"{envelope.source} {envelope.id}",  # a space never occurs in a URI-reference: unambiguous
        key_loc=("header", "ce-id") if binary else ("body", "id"),
        source=envelope.source,
        source_loc=("header", "ce-source") if binary else ("body", "source"),
    )
    return _plain_body(envelope, form), form


def _attributes(message: HTTPMessage, binary: bool) -> dict[str, Any]:
    """The attributes and `data` as the SDK reads them, without its defaults (an id, a time)."""
    if not binary:
        _a_json_object(message.body)
    where = ("header", "ce-time") if binary else ("body", "time")
    try:
        parse = from_binary if binary else from_structured
        return parse(message, JSONFormat(), lambda attributes, data: {**attributes, "data": data})
    except binascii.Error:
        raise CloudEventRefused([_error(("body", "data_base64"), "not base64", "base64_invalid")]) from None
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise CloudEventRefused([_error(where, "not an RFC 3339 timestamp", "datetime_parsing")]) from None


def _a_json_object(body: bytes) -> None:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CloudEventRefused([_error(("body",), "not JSON", "json_invalid")]) from None
    if not isinstance(document, dict):
        raise CloudEventRefused([_error(("body",), "a CloudEvent is a JSON object", "model_type")])


def _plain_body(envelope: PostedEnvelope, form: Form) -> dict[str, Any]:
    signal_type = SIGNAL_EVENT_TYPES[envelope.type].value
    given = envelope.data.get("type", signal_type)
    if given != signal_type:
        message = "must be the CloudEvent's type as a signal name, or left out"
        raise CloudEventRefused([_error((*form.data_loc, "type"), message, "type_mismatch")])
    return {**envelope.data, "type": signal_type}


def relocate_data_errors(errors: list[dict], form: Form) -> list[dict]:
    """Body errors of the plain form (`body.<signal type>.months`) where the partner wrote the field."""
    moved = []
    for error in errors:
        loc = list(error["loc"])
        if loc[:1] == ["body"]:
            rest = loc[2:] if len(loc) > 1 and loc[1] in SignalType._value2member_map_ else loc[1:]
            loc = [*form.data_loc, *rest]
        moved.append({**error, "loc": loc})
    return moved


def _relocated(error: dict, binary: bool) -> dict:
    name = error["loc"][0] if error["loc"] else "body"
    if not binary:
        return {**error, "loc": ["body", *error["loc"]]}
    if name == "data":
        return {**error, "loc": ["body", *error["loc"][1:]]}
    header = "content-type" if name == "datacontenttype" else f"ce-{name}"
    return {**error, "loc": ["header", header, *error["loc"][1:]]}


def _error(loc: tuple, msg: str, kind: str) -> dict:
    return {"loc": list(loc), "msg": msg, "type": kind}
