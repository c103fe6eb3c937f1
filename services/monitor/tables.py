"""The monitor's own tables. Counters hold where, when, what and how many, never who.

`join_profile` and `pending_fact` exist only to settle a join between topics (see
domain/facts.py): their key is a keyed hash of a signal, alert or request id, never
the case pseudonym, and rows go as soon as the join no longer needs them (a signal's
profile once used; a pending fact once its profile arrived) or after
`join_retention_days`.
"""

from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.persistence.database import UtcDateTime

monitor_registry = registry()
METADATA = monitor_registry.metadata


class MonitorTable(SQLModel, registry=monitor_registry):
    pass


class Counter(MonitorTable, table=True):
    __tablename__ = "counter"

    municipality_code: str = Field(primary_key=True, max_length=4)
    district: str = Field(primary_key=True, default="", max_length=60)  # "" when the event names none
    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=40)
    outcome: str = Field(primary_key=True, max_length=60)
    family: str = Field(primary_key=True, max_length=12)  # family | no_family | unknown
    count: int = 0


class PeriodChange(MonitorTable, table=True):
    """When the counts of a metric in a month last changed: a closed year changes when a late
    fact (last year's outcome, a history load) arrives, and readers can see that it did."""

    __tablename__ = "period_change"

    municipality_code: str = Field(primary_key=True, max_length=4)
    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=40)
    changed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class JoinProfile(MonitorTable, table=True):
    __tablename__ = "join_profile"

    link: str = Field(primary_key=True, max_length=64)  # HMAC of "<kind>:<id>"
    municipality_code: str
    district: str = ""
    family: str
    single_use: bool = False
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class PendingFact(MonitorTable, table=True):
    __tablename__ = "pending_fact"

    id: int | None = Field(default=None, primary_key=True)
    link: str = Field(index=True, max_length=64)
    metric: str
    outcome: str
    year: int
    month: int
    municipality_code: str | None = None  # None: not counted until its profile arrives
    district: str | None = None
    family: str | None = None
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class Generation(MonitorTable, table=True):
    """Which generation filled this database: a database counts for one generation only."""

    __tablename__ = "monitor_generation"

    id: int = Field(default=1, primary_key=True)
    generation: str
    started_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
