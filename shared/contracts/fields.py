"""Field types every HTTP request of the chain is validated with: one home for what
"a string", "a date" and "an identifier" may be at the door (docs/adr/0011).

- No control characters in any string: C0 and C1 controls (NUL included), line and
  paragraph separators and lone surrogates are refused; free text (notes, reasons)
  may hold tab and line breaks.
- Every string has a maximum length; so has every URL.
- Every date lies in the calendar the chain can compute with (1900 to 2199), so no
  later `date + timedelta` overflows; field-specific windows relative to today are
  checked by the service that knows today (services/arrears/domain/dates.py).

The error messages name the rule, never the submitted value.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
FREE_TEXT_WHITESPACE = frozenset("\t\n\r\u2028\u2029")
MAX_URL_LENGTH = 2048
CONTROL_CHARACTER = "control_character"


def _refuse_controls(value: str, allowed: frozenset[str] = frozenset()) -> str:
    for character in value:
        if character in allowed:
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Zl", "Zp"):
            raise PydanticCustomError(CONTROL_CHARACTER, "control characters (such as NUL or line breaks) are not allowed here")
        if category == "Cs":
            raise PydanticCustomError(CONTROL_CHARACTER, "unpaired surrogate characters are not allowed")
    return value


def single_line(value: str) -> str:
    """A string of one line: no control character at all."""
    return _refuse_controls(value)


def free_text(value: str) -> str:
    """Text a person writes: tab and line breaks allowed, other control characters not."""
    return _refuse_controls(value, FREE_TEXT_WHITESPACE)


def Text(max_length: int, *, min_length: int = 0, pattern: str | None = None):  # noqa: N802 - a type factory
    """A single-line string of at most `max_length` characters."""
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern), AfterValidator(single_line)
    ]


def FreeText(max_length: int, *, min_length: int = 0):  # noqa: N802 - a type factory
    """Multi-line text of at most `max_length` characters."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(free_text)]


def _within_calendar(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(
            "date_out_of_range", "must lie between {first} and {last}", {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )
    return value


CalendarDate = Annotated[date, AfterValidator(_within_calendar)]
"""Any date a partner sends: within the calendar the chain computes with."""

CaseKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}-[0-9a-f]{16,64}$", max_length=67),
    Field(description="a case pseudonym, e.g. hh-0123456789abcdef0123456789abcdef"),
]
OrganisationId = Text(60, min_length=1, pattern=r"^[a-z0-9][a-z0-9\-]*$")
FacilityId = Text(80, min_length=1, pattern=r"^[a-z0-9][a-z0-9\-]*$")
IdempotencyKey = Text(100, min_length=1)
Purpose = Text(100, min_length=3)
