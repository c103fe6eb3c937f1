"""Replay (or backfill) a CSV of signals into the intake, batch by batch.

The reading and the tallying are pure (rows.py, tally.py); this module only sends.
Rows the reader refused are tallied and never sent. When the intake cannot be
reached or refuses the credentials, the run stops and the rows not yet sent are
tallied as such: rows with a `reference` can then be replayed safely, since the
intake answers a known reference with the earlier signal."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from services.cli.chain_client import ChainClient, Unreachable
from services.cli.rows import CsvRow
from services.cli.tally import Tally

BATCH_PATH = "/v1/signals/batch"
Advance = Callable[[int, Tally], None]  # rows done since the last call, the tally so far


def replay(rows: Sequence[CsvRow], client: ChainClient, batch_size: int, advance: Advance) -> Tally:
    tally = Tally()
    unreadable = [row for row in rows if not row.readable]
    for row in unreadable:
        tally.add_unreadable(row)
    if unreadable:
        advance(len(unreadable), tally)
    readable = [row for row in rows if row.readable]
    batches = list(chunks(readable, batch_size))
    try:
        if batches:
            client.authenticate()
        for batch in batches:
            answer = client.post_json(BATCH_PATH, {"signals": [row.batch_item() for row in batch]})
            tally.add_answer(batch, answer.json())
            advance(len(batch), tally)
    except Unreachable as problem:
        done = {receipt.row for receipt in tally.receipts}
        tally.add_not_sent([row for row in readable if row.number not in done], str(problem))
    return tally


def chunks(rows: Sequence[CsvRow], size: int) -> Iterator[Sequence[CsvRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
