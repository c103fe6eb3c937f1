"""Every error of the chain's APIs as `application/problem+json` (RFC 9457), and the
`API-Version` header on every answer: the NL API Design Rules a linter checks
(docs/adr/0026).

A problem has `type`, `title`, `status`, `detail` (one sentence for a person) and
`instance` (the path asked for). Invalid input is 400 with `invalid-params`, one entry
per field: `name` (dotted, e.g. `address.postcode`), `reason`, and for programs the
pydantic-style `loc` and `type` (plus `ctx` where the rule has parameters). A reason
names the rule, never the value that was sent.

Which status a domain error gets is decided here once (shared.errors); routes raise
`HTTPException` only for what is not a domain error (403, 404 of a lookup, 422 of a
semantic refusal).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import Conflict, FieldConflict, NotFound

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
API_VERSION = "API-Version"
INVALID = "the request is not valid: invalid-params names each field and why"
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
_PLAIN = (str, int, float, bool, type(None))
_ECHOES_INPUT = frozenset({"tag"})  # ctx keys that carry what was sent


def clean_errors(errors, prefix: tuple[str | int, ...] = ()) -> list[dict]:
    """Pydantic errors as `{loc, msg, type, ctx}` entries: the discriminator named when a
    `type` is unknown or missing; never the submitted (possibly personal) input, no doc URL."""
    entries = []
    for error in errors:
        loc = (*prefix, *error["loc"])
        if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            loc = (*loc, (error.get("ctx") or {}).get("discriminator", "'type'").strip("'"))
        entry = {"loc": list(loc), "msg": error["msg"], "type": error["type"]}
        ctx = {key: value for key, value in (error.get("ctx") or {}).items() if key not in _ECHOES_INPUT}
        if error["type"] == "union_tag_invalid":  # pydantic's message quotes the tag that was sent
            entry["msg"] = f"unknown value; expected one of {ctx.get('expected_tags', '')}"
        if ctx:
            entry["ctx"] = {key: value if isinstance(value, _PLAIN) else str(value) for key, value in ctx.items()}
        entries.append(entry)
    return entries


def invalid_param(entry: dict[str, Any]) -> dict[str, Any]:
    """A `{loc, msg, type}` error entry (clean_errors) as an invalid-params entry."""
    loc = list(entry.get("loc", []))
    named = loc[1:] if loc and loc[0] in _LOCATIONS else loc
    param = {"name": ".".join(str(part) for part in named) or "body", "reason": str(entry.get("msg", ""))}
    param["loc"] = loc
    param["type"] = entry.get("type", "invalid")
    if entry.get("ctx"):
        param["ctx"] = entry["ctx"]
    return param


def problem(
    request: Request,
    status: int,
    detail: str | None = None,
    *,
    invalid: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem; `invalid` are `{loc, msg, type}` entries, answered as invalid-params."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description or phrase,
        "instance": request.url.path,
    }
    if invalid is not None:
        body["invalid-params"] = [invalid_param(entry) for entry in invalid]
    answer = JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    version = getattr(request.app, "version", None)
    if version:  # also on a 500, answered outside the middleware that adds it to the rest
        answer.headers[API_VERSION] = version
    return answer


def _is_error_list(detail: Any) -> bool:
    return isinstance(detail, list) and all(isinstance(item, dict) and "loc" in item for item in detail)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return problem(request, 400, INVALID, invalid=clean_errors(exc.errors()))


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if _is_error_list(exc.detail):
        return problem(request, exc.status_code, INVALID, invalid=exc.detail, headers=exc.headers)
    return problem(request, exc.status_code, str(exc.detail) if exc.detail else None, headers=exc.headers)


async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
    return problem(request, 404, str(exc))


async def _conflict(request: Request, exc: Conflict) -> JSONResponse:
    return problem(request, 409, str(exc))


async def _field_conflict(request: Request, exc: FieldConflict) -> JSONResponse:
    entry = {"loc": [exc.location, exc.field], "msg": str(exc), "type": "conflict"}
    return problem(request, 409, str(exc), invalid=[entry])


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "the service failed on this request; it was logged, retrying later may help")


def install_problems(app: FastAPI) -> None:
    """Problem answers for every error, and `API-Version` on every response."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(FieldConflict, _field_conflict)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(ApiVersionHeader, version=app.version)


class ApiVersionHeader:
    """ASGI middleware: `API-Version: <the API's semantic version>` on every response."""

    def __init__(self, app, version: str):
        self.app = app
        self.header = (API_VERSION.lower().encode(), version.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_version(message):
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != self.header[0]]
                message["headers"] = [*headers, self.header]
            await send(message)

        await self.app(scope, receive, send_with_version)
