"""One valid example of every event the chain publishes, built from its contract class alone
(shared.contracts.events.REGISTRY): each required field gets the first value its type and
constraints allow, so a field added to a contract is filled without an edit here."""

from __future__ import annotations

import types
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from shared.contracts.envelope import Event, new_event
from shared.contracts.events import REGISTRY

AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SOURCE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-test"
# Strings whose contract allows only a pattern: a value that fits it.
PATTERNED = {"municipality_code": "0363", "postcode": "1069JD"}


def every_event() -> list[Event]:
    """An event of every type in the registry, each on its own case."""
    return [
        new_event(example(model), source=SOURCE, subject=f"hh-{uuid.uuid4().hex[:16]}", time=AT)
        for model in REGISTRY.values()
    ]


def example(model: type[BaseModel]) -> Any:
    """The model with every field it requires filled in; optional fields keep their defaults."""
    values = {name: _value(name, field) for name, field in model.model_fields.items() if field.is_required()}
    return model(**values)


def _value(name: str, field: FieldInfo) -> Any:
    least = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    least = next((m.gt + 1 for m in field.metadata if isinstance(m, Gt)), least)
    return _of(field.annotation, name, least)


def _of(annotation: Any, name: str, least: Any = None) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return _of(next(arg for arg in get_args(annotation) if arg is not type(None)), name, least)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin is list:
        return [_of(get_args(annotation)[0], name)]
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _of(get_args(annotation)[0], name, least)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return example(annotation)
    simple = {uuid.UUID: uuid.uuid4, datetime: lambda: AT, date: lambda: AT.date(), bool: lambda: True}
    if annotation in simple:
        return simple[annotation]()
    if annotation in (int, float, Decimal):
        return annotation(least if least is not None else 1)
    if annotation is str:
        return PATTERNED.get(name, "x")
    raise TypeError(f"no example for {name}: {annotation!r}")
