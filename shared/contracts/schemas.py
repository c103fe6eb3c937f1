"""The JSON Schema of each event type's `data`, generated from the contracts
(shared/contracts/events), and the CloudEvents `dataschema` that points at it
(CloudEvents NL GOV; docs/adr/0026).

Every service serves the same schemas, without credentials, at
`/v1/event-schemas/{type}` (the type includes its version, `...alert.raised.v1`, so a
schema never changes under a published URL). `dataschema` is that URL under the
deployment's `event_schema_base_url`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from shared.contracts.events import REGISTRY

ROUTE = "/v1/event-schemas"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def dataschema(base_url: str, event_type: str) -> str:
    return f"{base_url.rstrip('/')}/{event_type}"


def json_schema(event_type: str, base_url: str) -> dict[str, Any]:
    """The schema of `data` of one event type; KeyError for a type the chain does not know."""
    schema = REGISTRY[event_type].model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA, "$id": dataschema(base_url, event_type), **schema}


router = APIRouter(prefix=ROUTE, tags=["event schemas"])


@router.get("", summary="The event types of the chain, each with the URL of its data's JSON Schema")
async def list_schemas(request: Request) -> dict[str, str]:
    base = request.app.state.runtime.settings.event_schema_base_url
    return {event_type: dataschema(base, event_type) for event_type in sorted(REGISTRY)}


@router.get("/{event_type}", summary="The JSON Schema of one event type's data", responses={404: {}})
async def read_schema(event_type: str, request: Request) -> dict[str, Any]:
    if event_type not in REGISTRY:
        raise HTTPException(404, detail="no such event type")
    return json_schema(event_type, request.app.state.runtime.settings.event_schema_base_url)
