"""POST /v1/signals also takes a CloudEvent (services.arrears.posted_cloudevents): this route
reads it into today's JSON body before FastAPI validates that body, so the signal is judged
by the very same code; field errors then name the field where the partner wrote it.

`posted_form` tells the endpoint how the signal came (the idempotency key and where to
point a refusal), for a plain body and a CloudEvent alike.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Callable, Coroutine

from fastapi import Depends, Header, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from shared.auth import caller
from shared.caller import Caller
from shared.contracts.fields import IdempotencyKey
from shared.problems import INVALID, problem
from services.arrears.intake import SIGNALLER_ROLES
from services.arrears.posted_cloudevents import PLAIN, CloudEventRefused, Form, is_cloud_event, read, relocate_data_errors

FORM = "posted_form"
OWN_SOURCE = "must be your organisation's URN (urn:nld:<oin|kvk>:<number>), optionally followed by ':' and a system"


class CloudEventRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle_plain = super().get_route_handler()

        async def handle(request: Request) -> Response:
            headers = dict(request.headers)
            if not is_cloud_event(headers):
                return await handle_plain(request)
            try:
                plain, form = read(headers, await request.body())
            except CloudEventRefused as refused:
                return problem(request, status.HTTP_400_BAD_REQUEST, INVALID, invalid=refused.errors)
            try:
                return await handle_plain(_as_plain(request, plain, form))
            except RequestValidationError as exc:
                raise RequestValidationError(relocate_data_errors(list(exc.errors()), form)) from None

        return handle


def _as_plain(request: Request, body: dict[str, Any], form: Form) -> Request:
    """The same request with the signal as today's JSON body, and how it came in its state."""
    content = json.dumps(body).encode()
    headers = [(name, value) for name, value in request.scope["headers"] if name not in (b"content-type", b"content-length")]
    headers += [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
    scope = {**request.scope, "headers": headers, "state": {**request.scope.get("state", {}), FORM: form}}
    plain = Request(scope, request.receive)
    plain._body = content  # read already: starlette keeps the body here
    return plain


async def posted_form(
    request: Request,
    organisation: Annotated[Caller, Depends(caller(*SIGNALLER_ROLES))],
    idempotency_key: Annotated[
        IdempotencyKey | None, Header(description="for a plain JSON body; a CloudEvent's key is its source and id")
    ] = None,
) -> Form:
    form: Form | None = request.scope.get("state", {}).get(FORM)
    if form is None:
        return Form(data_loc=PLAIN.data_loc, key=idempotency_key)
    if idempotency_key is not None:
        raise _invalid(("header", "Idempotency-Key"), "leave it out: a CloudEvent's source and id are its idempotency key")
    urn = organisation.organisation.urn
    if form.source != urn and not form.source.startswith(urn + ":"):
        raise _invalid(form.source_loc, OWN_SOURCE)
    return form


def _invalid(loc: tuple, message: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail=[{"loc": list(loc), "msg": message, "type": "value_error"}])
