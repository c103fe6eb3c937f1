"""Per-stream counters for the CloudEvents `sequence` extension (docs/adr/0032).

A stream is what a receiver reads in order: the events one service publishes about one
case (the outbox's key), or the webhook deliveries one subscription gets about one case
(`delivery_stream`). Each stream counts 1, 2, 3, … without gaps; a receiver that sees 5
after 3 knows it missed 4 and can resynchronise (read the case, or its dead deliveries).

Counters are drawn in the transaction that stages the events: a rolled-back transaction
gives its numbers back, so the count stays contiguous. Drawing is one upsert per flush,
for every stream at once (on PostgreSQL one prepared statement whatever the count); the
row it touches stays locked until commit, so two transactions of one stream take turns
and numbers follow commit order.

`sequence` is a string compared as a string (the sequence extension's current text, without
`sequencetype`): the number zero-padded to `SEQUENCE_DIGITS` digits.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from sqlalchemy import Column, Connection, Integer, String, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Field

from shared.persistence.database import ChainTable

SEQUENCE_DIGITS = 10
SEQUENCE_PATTERN = rf"^[0-9]{{{SEQUENCE_DIGITS}}}$"


class EventSequence(ChainTable, table=True):
    __tablename__ = "event_sequence"

    stream: str = Field(sa_column=Column(String, primary_key=True))
    last: int = Field(sa_column=Column(Integer, nullable=False))


def as_sequence(number: int) -> str:
    """1 -> '0000000001': orders as a string exactly as the numbers do."""
    return str(number).zfill(SEQUENCE_DIGITS)


def delivery_stream(subscription_id: object, case_key: str) -> str:
    return f"{subscription_id}/{case_key}"


def draw(connection: Connection, streams: Iterable[str]) -> dict[str, list[int]]:
    """The next numbers of each stream, one per occurrence in `streams`, in that order."""
    wanted = Counter(streams)
    if not wanted:
        return {}
    ordered = sorted(wanted.items())  # rows locked in one order, so two transactions cannot deadlock
    if connection.dialect.name == "postgresql":
        rows = connection.execute(_DRAW_ON_POSTGRES, {"streams": [s for s, _ in ordered], "counts": [c for _, c in ordered]})
    else:
        rows = connection.execute(_draw_on_sqlite(ordered))
    last = {stream: value for stream, value in rows}
    return {stream: list(range(last[stream] - count + 1, last[stream] + 1)) for stream, count in wanted.items()}


# One statement for any number of streams (arrays, not a VALUES row each): compiled and
# prepared once, where a multi-row VALUES is a new statement for every row count.
_DRAW_ON_POSTGRES = text(
    f"INSERT INTO {EventSequence.__tablename__} (stream, last) "
    "SELECT * FROM unnest(CAST(:streams AS text[]), CAST(:counts AS integer[])) "
    f"ON CONFLICT (stream) DO UPDATE SET last = {EventSequence.__tablename__}.last + excluded.last "
    "RETURNING stream, last"
)


def _draw_on_sqlite(ordered: list[tuple[str, int]]):
    """SQLite has no arrays: a VALUES row per stream (tests and a one-person trial)."""
    table = EventSequence.__table__
    statement = sqlite.insert(table).values([{"stream": stream, "last": count} for stream, count in ordered])
    return statement.on_conflict_do_update(
        index_elements=[table.c.stream], set_={"last": table.c.last + statement.excluded.last}
    ).returning(table.c.stream, table.c.last)
