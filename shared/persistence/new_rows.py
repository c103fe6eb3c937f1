"""A new row object for the unit of work, built without SQLModel's per-field setattr
(docs/adr/0053).

`Table(**values)` on a SQLModel table sets every field, given or defaulted, through two
`__setattr__`s: pydantic's and SQLAlchemy's instrumented attribute, which records each as
a change. For a wide table built once per signal (triage's case: 36 columns) that was 5–7%
of triage's CPU. A new object's INSERT is read from the instance's dict,
not from those change records, so `new_row` puts the values and the fields' defaults
there directly, with pydantic's record of which fields were given. The object is the same
as the constructor's: pending once added to a session, inserted whole at flush, and
changes made to it afterwards go through the instrumented attributes as usual.

Table models only: SQLModel does not validate them on construction either.

The constructor also configures the mappers (SQLAlchemy does that at the first object or
query); until then a mapped attribute cannot be read. `new_row` configures them when it
first meets a table, so a row built before the process ran any query is whole too.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, TypeVar

from sqlalchemy.orm import ClassManager, configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import SQLModel

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class _Plan:
    manager: ClassManager  # SQLAlchemy's: makes a mapped instance with its state
    fields: frozenset[str]
    shared_defaults: dict[str, Any]  # immutable defaults, the same object for every row
    made_defaults: tuple[tuple[str, Callable[[], Any]], ...]  # a fresh value per row


@cache
def _plan(table: type[SQLModel]) -> _Plan:
    if not table.model_config.get("table", False):
        raise TypeError(f"{table.__name__} is not a table model")
    configure_mappers()  # what the constructor's first call does; at once when already done
    shared, made = {}, []
    for name, field in table.model_fields.items():
        if field.is_required():
            continue
        if field.default_factory is not None:
            if field.default_factory_takes_validated_data:
                raise TypeError(f"{table.__name__}.{name}: a default factory that reads the other fields is not supported")
            made.append((name, field.default_factory))
        elif copy.deepcopy(field.default) is field.default:  # None, numbers, strings, enum members
            shared[name] = field.default
        else:  # a mutable default: a copy per row, as pydantic makes
            made.append((name, lambda default=field.default: copy.deepcopy(default)))
    return _Plan(manager_of_class(table), frozenset(table.model_fields), shared, tuple(made))


def new_row(table: type[Row], **values: Any) -> Row:
    """`table(**values)`, built directly; a name that is not a field is a TypeError."""
    plan = _plan(table)
    unknown = values.keys() - plan.fields
    if unknown:
        raise TypeError(f"{table.__name__} has no field {', '.join(sorted(unknown))}")
    row = plan.manager.new_instance()
    state = row.__dict__
    state.update(plan.shared_defaults)
    for name, make in plan.made_defaults:
        if name not in values:
            state[name] = make()
    state.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row
