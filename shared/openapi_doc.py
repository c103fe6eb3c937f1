"""The OpenAPI documents a service publishes (docs/adr/0026):

- `/v1/openapi.json`, the API at its versioned base path as the NL API Design Rules ask
  (API-51): `servers` is `/v1`, paths are relative to it and include `/openapi.json`
  itself, every 2xx/3xx answer documents the `API-Version` header (API-57) and every
  error is an `application/problem+json` `Problem` (invalid input: 400 with
  `invalid-params`). No authentication is needed to read it.
- `/openapi.json`, FastAPI's own document of every route with full paths (health,
  metrics, the development token issuer too), kept for tools that already use it.

Pure functions over FastAPI's generated dict; `versioned_document` is cached per app.
"""

from __future__ import annotations

import copy
import json
from typing import Any

BASE_PATH = "/v1"
PROBLEM_JSON = "application/problem+json"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_VERSION_HEADER = {"$ref": "#/components/headers/API-Version"}
_PROBLEM = {"$ref": "#/components/schemas/Problem"}
CONTACT = {
    "name": "Signal chain maintainers",
    "url": "https://github.com/signaalketen/signaalketen",
    "email": "signaalketen@example.org",
}
ERRORS = {
    "400": "invalid input: invalid-params names each field and why",
    "401": "missing, unknown or expired credentials",
    "403": "this organisation's role may not use this endpoint",
    "404": "no such object, or not one the caller may see (the same answer)",
    "429": "too many requests; retry after the time in Retry-After",
    "500": "the service failed on this request",
    "503": "a part the service needs is unavailable",
}

PROBLEM_SCHEMAS: dict[str, Any] = {
    "InvalidParam": {
        "type": "object",
        "required": ["name", "reason"],
        "properties": {
            "name": {"type": "string", "description": "the field, dotted (`address.postcode`)"},
            "reason": {"type": "string", "description": "why it is not valid (never the value sent)"},
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "type": {"type": "string", "description": "the rule broken, for programs"},
            "ctx": {"type": "object", "additionalProperties": True},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {
            "type": {"type": "string", "description": "a URI reference; `about:blank` for the plain status"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "the path asked for"},
            "invalid-params": {"type": "array", "items": {"$ref": "#/components/schemas/InvalidParam"}},
        },
    },
}
API_VERSION_HEADER = {
    "description": "The semantic version of this API (NL API Design Rules, API-57)",
    "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
}


def problem_answer(description: str) -> dict[str, Any]:
    return {"description": description, "headers": {"API-Version": _VERSION_HEADER}, "content": {PROBLEM_JSON: {"schema": _PROBLEM}}}


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    responses = operation.setdefault("responses", {})
    refused = responses.pop("422", None)
    if refused is not None and refused.get("description") not in (None, "", "Validation Error", "Unprocessable Content"):
        responses["422"] = problem_answer(refused["description"])  # a semantic refusal the route documents
    for code, answer in list(responses.items()):
        if code.startswith(("2", "3")):
            answer.setdefault("headers", {})["API-Version"] = _VERSION_HEADER
        elif code[0] in "45":
            responses[code] = problem_answer(answer.get("description") or ERRORS.get(code, "error"))
    takes_input = operation.get("parameters") or operation.get("requestBody")
    for code in ("400", "401", "403", "500"):
        if code == "400" and not takes_input:
            continue
        responses.setdefault(code, problem_answer(ERRORS[code]))
    return operation


def with_problems(generated: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document with the `/v1` operations' errors as problems (no 422 for invalid
    input) and `API-Version` on their answers; other paths (health, OAuth, ZGW) as they are."""
    document = copy.deepcopy(generated)
    for path, item in document.get("paths", {}).items():
        if path.startswith(BASE_PATH + "/"):
            for method in _METHODS:
                if method in item:
                    _operation(item[method])
    _add_components(document)
    return document


def versioned_document(full: dict[str, Any]) -> dict[str, Any]:
    """The document (after `with_problems`) reduced to the `/v1` API, relative to its base path."""
    document = copy.deepcopy(full)
    paths = {path[len(BASE_PATH):]: item for path, item in document.get("paths", {}).items() if path.startswith(BASE_PATH + "/")}
    paths["/openapi.json"] = _self_description()
    document["paths"] = dict(sorted(paths.items()))
    _add_components(document)  # drops FastAPI's 422 schemas now that no path uses them
    document["servers"] = [{"url": BASE_PATH, "description": "this service, at its versioned base path"}]
    document["info"]["contact"] = CONTACT
    document["info"].setdefault("license", {"name": "EUPL-1.2", "identifier": "EUPL-1.2"})
    return document


def _add_components(document: dict[str, Any]) -> None:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    if "#/components/schemas/HTTPValidationError" not in json.dumps(document["paths"]):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    schemas.update(copy.deepcopy(PROBLEM_SCHEMAS))
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER


def _self_description() -> dict[str, Any]:
    return {
        "get": {
            "tags": ["openapi"],
            "summary": "This document (no authentication needed)",
            "operationId": "openapi_document",
            "security": [],
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document of this API",
                    "headers": {"API-Version": _VERSION_HEADER},
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "500": problem_answer(ERRORS["500"]),
            },
        }
    }
