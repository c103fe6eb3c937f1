"""How POST /v1/signals documents its CloudEvent forms (services.arrears.posted_cloudevents)
next to the JSON body FastAPI documents from the models."""

from services.arrears.posted_cloudevents import BINARY_MARK, SIGNAL_EVENT_TYPES, STRUCTURED

POST_SIGNAL_DESCRIPTION = (
    "The body is one signal as JSON (`application/json`), or a CloudEvent 1.0 (HTTP binding, NL GOV profile): "
    f"structured (`Content-Type: {STRUCTURED}`) or binary (the attributes as `ce-*` headers, `{BINARY_MARK}: 1.0` "
    "among them, and `data` as the `application/json` body). A CloudEvent's `type` names the signal "
    "(`nl.signaalketen.arrears.reported.v1`, …) and its `data` is the JSON body of that signal without `type`, "
    "judged exactly the same; a refusal names the field where it was written (`data.months` in structured mode, "
    "`months` in binary mode, `ce-id` for a header). `source` must be your organisation's URN "
    "(`urn:nld:kvk:<number>` or `urn:nld:oin:<number>`, optionally `:systeem:<name>` or another suffix). "
    "Idempotency: a JSON body may carry an `Idempotency-Key` header; a CloudEvent's `source` and `id` together are "
    "its key, so posting the same CloudEvent again answers 200 with the earlier signal, and the same `source` and "
    "`id` with other data is refused (422)."
)

_ENVELOPE = {
    "type": "object",
    "required": ["specversion", "id", "source", "type", "data"],
    "properties": {
        "specversion": {"type": "string", "enum": ["1.0"]},
        "id": {"type": "string", "minLength": 1, "maxLength": 100, "description": "with `source`: the idempotency key"},
        "source": {"type": "string", "minLength": 1, "maxLength": 200, "description": "your organisation's URN"},
        "type": {"type": "string", "enum": sorted(SIGNAL_EVENT_TYPES)},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"type": "string", "enum": ["application/json"]},
        "data": {
            "type": "object",
            "description": "the `application/json` body of this signal type, without `type`",
            "additionalProperties": True,
        },
    },
    "additionalProperties": True,
}

_BINARY_HEADERS = [
    {"name": f"ce-{name}", "in": "header", "required": False, "description": why, "schema": {"type": "string"}}
    for name, why in (
        ("specversion", "binary mode: `1.0`"),
        ("id", "binary mode: the CloudEvent's id (with ce-source: the idempotency key)"),
        ("source", "binary mode: your organisation's URN"),
        ("type", "binary mode: the signal's CloudEvent type, e.g. `nl.signaalketen.arrears.reported.v1`"),
    )
]

CLOUD_EVENT_OPENAPI = {
    "parameters": _BINARY_HEADERS,
    "requestBody": {"content": {STRUCTURED: {"schema": _ENVELOPE}}},
}
