"""Columns that hold a `StrEnum`: a row reads back as the enum member, the database
keeps the member's value.

`Enum(..., native_enum=False)` stores the values (not the member names, which is
SQLAlchemy's default), as a plain VARCHAR without a length and without a CHECK
constraint: the DDL and the stored strings are exactly those of a `str` column, so
a table that switches a `str` column to an enum column needs no migration. A value
the enum does not know is refused when written (`validate_strings`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Enum
from sqlmodel import Field


def enum_type(enum: type[StrEnum]) -> Enum:
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=None,
        values_callable=_values,
        validate_strings=True,
    )


def enum_field(enum: type[StrEnum], *, nullable: bool = False, index: bool = False, **field: Any) -> Any:
    """A SQLModel field stored in an enum column; `field` goes to `Field` (e.g. `default`)."""
    return Field(sa_column=Column(enum_type(enum), nullable=nullable, index=index), **field)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
