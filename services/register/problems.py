"""Errors as the Haal Centraal APIs send them: application/problem+json (RFC 7807).

Titles, codes and reasons are copied from the APIs' feature files, because
clients (ours included) match on `code` and on `invalidParams[].name`. Note that
the real API's own texts do not all fit the patterns its OpenAPI declares (the
detail contains a colon, a pattern reason contains the regex, names look like
`fields[0]`); we send what the real API sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
BAD_REQUEST_TYPE = "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1"
PARAMS_TITLE = "Een of meerdere parameters zijn niet correct."

REQUIRED = ("required", "Parameter is verplicht.")
UNKNOWN_PARAM = ("unknownParam", "Parameter is niet verwacht.")
NOT_STRING = ("string", "Waarde is geen geldige string.")
NOT_INTEGER = ("integer", "Waarde is geen geldig getal.")
NOT_BOOLEAN = ("boolean", "Waarde is geen boolean.")
NOT_DATE = ("date", "Waarde is geen geldige datum.")
NOT_ARRAY = ("array", "Parameter is geen array.")
BAD_TYPE = ("value", "Waarde is geen geldig zoek type.")
FIELD_UNKNOWN = ("fields", "Parameter bevat een niet bestaande veldnaam.")
FIELD_NOT_ALLOWED = ("fields", "Parameter bevat een niet toegestane veldnaam.")


def pattern_reason(pattern: str) -> tuple[str, str]:
    return ("pattern", f"Waarde voldoet niet aan patroon {pattern}.")


@dataclass(frozen=True)
class InvalidParam:
    name: str
    code: str
    reason: str

    def to_api(self) -> dict:
        return {"name": self.name, "code": self.code, "reason": self.reason}


class Problem(Exception):
    """Raised inside a handler; turned into a problem+json response by the app."""

    def __init__(
        self,
        status: int,
        title: str,
        code: str,
        *,
        detail: str | None = None,
        type_: str = BAD_REQUEST_TYPE,
        invalid_params: list[InvalidParam] | None = None,
    ):
        super().__init__(title)
        self.status, self.title, self.code = status, title, code
        self.detail, self.type, self.invalid_params = detail, type_, invalid_params or []

    def response(self, instance: str) -> JSONResponse:
        body = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body |= {"instance": instance, "code": self.code}
        if self.invalid_params:
            body["invalidParams"] = [p.to_api() for p in self.invalid_params]
        return JSONResponse(body, status_code=self.status, media_type=PROBLEM_JSON)


class Params:
    """Collects every invalid parameter of a request body, then raises them at once.

    The real API reports all faulty parameters in one response ("Alle gevonden
    fouten worden één keer teruggemeld"), so validation does not stop at the first.
    """

    def __init__(self, body: dict):
        self.body = body
        self.invalid: list[InvalidParam] = []

    def fail(self, name: str, code_reason: tuple[str, str]) -> None:
        self.invalid.append(InvalidParam(name, *code_reason))

    def only(self, allowed: set[str]) -> None:
        for name in self.body:
            if name not in allowed:
                self.fail(name, UNKNOWN_PARAM)

    def string(self, name: str, *, required: bool = False, pattern: str | None = None) -> str | None:
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, REQUIRED)
            return None
        if not isinstance(value, str):
            self.fail(name, NOT_STRING)
            return None
        if pattern is not None and not matches(pattern, value):
            self.fail(name, pattern_reason(pattern))
            return None
        return value

    def integer(self, name: str, *, required: bool = False, minimum: int, maximum: int) -> int | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.fail(name, REQUIRED)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, NOT_INTEGER)
            return None
        if value < minimum:
            self.fail(name, ("minimum", f"Waarde is lager dan minimum {minimum}."))
            return None
        if value > maximum:
            self.fail(name, ("maximum", f"Waarde is hoger dan maximum {maximum}."))
            return None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.body.get(name)
        if value is not None and not isinstance(value, bool):
            self.fail(name, NOT_BOOLEAN)
            return None
        return value

    def date(self, name: str, *, required: bool = False) -> date | None:
        value = self.string(name, required=required)
        if value is None:
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, NOT_DATE)
            return None

    def raise_if_invalid(self) -> None:
        if self.invalid:
            raise bad_request(self.invalid)


def bad_request(invalid: list[InvalidParam]) -> Problem:
    names = list(dict.fromkeys(p.name for p in invalid))
    return Problem(
        400,
        PARAMS_TITLE,
        "paramsValidation",
        detail=f"De foutieve parameter(s) zijn: {', '.join(names)}.",
        invalid_params=invalid,
    )


def check_type(body: dict, allowed: tuple[str, ...]) -> str:
    value = body.get("type")
    if value is None:
        raise bad_request([InvalidParam("type", *REQUIRED)])
    if value not in allowed:
        raise bad_request([InvalidParam("type", *BAD_TYPE)])
    return value


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def matches(pattern: str, value: str) -> bool:
    # Python's `$` also matches before a final newline; JSON Schema's does not.
    return "\n" not in value and _compiled(pattern).search(value) is not None
