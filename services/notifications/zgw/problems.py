"""Errors as the ZGW APIs answer them: `application/problem+json` (RFC 9457) with the
standard's `code`, `title`, `status`, `detail` and `instance` (its `Fout`), and for
invalid input status 400 with `invalidParams`, one `{name, code, reason}` per field
(its `ValidatieFout`). A reason names the rule, never the value that was sent.

`ZgwRoute` gives the facade's routes these answers for what the rest of the chain
answers in its own problem shape (`invalid-params`, no `code`; shared.problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from http import HTTPStatus

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from shared.problems import clean_errors
from services.notifications.zgw.kanalen import NAMEABLE_KEY, InvalidParam

PROBLEM_JSON = "application/problem+json"
CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found", 409: "conflict"}
INVALID = "the request is not valid: invalidParams names each field and why"


class Fout(BaseModel):
    type: str
    code: str
    title: str
    status: int
    detail: str
    instance: str


class FieldValidationError(BaseModel):
    name: str
    code: str
    reason: str


class ValidatieFout(Fout):
    invalidParams: list[FieldValidationError]




def _answer(model: type[BaseModel], description: str) -> dict:
    # `model` registers the schema (FastAPI lists it under application/json too); the answer is problem+json.
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"model": model, "content": {PROBLEM_JSON: {"schema": schema}}, "description": description}


RESPONSES = {
    400: _answer(ValidatieFout, "invalid input: invalidParams names each field and why"),
    401: _answer(Fout, "missing, unknown or expired credentials"),
    404: _answer(Fout, "no such object (or not yours: the same answer)"),
}


class ZgwInvalid(Exception):
    """Input that passed the shape checks but not the facade's own rules (kanalen, filters, callback)."""

    def __init__(self, params: list[InvalidParam]):
        super().__init__(", ".join(param.name for param in params))
        self.params = params


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    params: Iterable[InvalidParam] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "code": code or CODES.get(status, "error"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        "instance": request.url.path,
    }
    if params is not None:
        body["invalidParams"] = [asdict(param) for param in params]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def body_refusal(path: str, reason: str, kind: str) -> dict:
    """A body refused before parsing (shared.json_depth: too deep, not text) as a ValidatieFout."""
    body = {"type": "about:blank", "code": "invalid", "title": "Bad Request", "status": 400, "detail": INVALID, "instance": path}
    return {**body, "invalidParams": [{"name": "nonFieldErrors", "code": kind, "reason": reason}]}


def invalid_params(errors) -> list[InvalidParam]:
    """Pydantic's errors as invalidParams: `kanalen.0.naam`, `callbackUrl`; `nonFieldErrors` for the whole body."""
    found = []
    for error in clean_errors(errors):
        location = error["loc"][1:] if error["loc"] and error["loc"][0] in ("body", "query", "path") else error["loc"]
        if error["type"] == "json_invalid":
            location = []  # its location is a character position, not a field
        name = ".".join(_nameable(location)) or "nonFieldErrors"
        found.append(InvalidParam(name, error["type"], error["msg"]))
    return found


def _nameable(location) -> list[str]:
    """The path up to the first part that came from the client rather than the schema (a
    filter's key that is not a plain identifier): such a part is not repeated back."""
    parts = []
    for part in location:
        if isinstance(part, str) and not NAMEABLE_KEY.fullmatch(part):
            break
        parts.append(str(part))
    return parts


class ZgwRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def answer(request: Request):
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return problem(request, 400, INVALID, code="invalid", params=invalid_params(exc.errors()))
            except ZgwInvalid as exc:
                return problem(request, 400, INVALID, code="invalid", params=exc.params)
            except HTTPException as exc:
                return problem(request, exc.status_code, str(exc.detail), headers=exc.headers)

        return answer
