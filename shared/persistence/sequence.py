"""Per-stream counters for the CloudEvents `sequence` extension (docs/adr/0032).

A stream is what a receiver reads in order: the events one service publishes about one
case (the outbox's key), or the webhook deliveries one subscription gets about one case
(`delivery_stream`). Each stream counts 1, 2, 3, … without gaps; a receiver that sees 5
after 3 knows it missed 4 and can resynchronise (read the case, or its dead deliveries).

Counters are drawn in the transaction that stages the events: a rolled-back transaction
gives its numbers back, so the count stays contiguous. Drawing is one upsert per flush,
for every stream at once; the row it touches stays locked until commit, so two
transactions of one stream take turns and numbers follow commit order.

`sequence` is a string compared as a string (the sequence extension's current text, without
`sequencetype`): the number zero-padded to `SEQUENCE_DIGITS` digits.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from sqlalchemy import Column, Connection, Integer, String
from sqlalchemy.dialects import postgresql, sqlite
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
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = EventSequence.__table__
    statement = dialect.insert(table).values([{"stream": stream, "last": count} for stream, count in sorted(wanted.items())])
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.stream], set_={"last": table.c.last + statement.excluded.last}
    ).returning(table.c.stream, table.c.last)
    last = {stream: value for stream, value in connection.execute(statement)}
    return {stream: list(range(last[stream] - count + 1, last[stream] + 1)) for stream, count in wanted.items()}
