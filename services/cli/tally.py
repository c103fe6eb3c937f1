"""What became of each row of a replay: the intake's batch answers folded into a tally,
the summary's numbers, the receipt lines and the exit code. Pure: no I/O."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum
from collections.abc import Sequence
from typing import Any

from shared.contracts.event_types import SignalType
from services.cli.rows import ROW_ERROR, CsvRow

SIGNAL_TYPES = frozenset(SignalType)  # pydantic names the member of the body's union in an error's location

EXIT_ALL_ACCEPTED = 0
EXIT_SOME_REJECTED = 1
EXIT_UNREACHABLE = 2  # connection or authentication: the run could not (fully) happen

# The intake's wording where a file's author needs another one; any other message is shown as sent.
FRIENDLIER = {
    "missing": "required for {type}",
    "extra_forbidden": "not used by {type}: leave the cell empty",
}


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REPLAYED = "already sent"  # the reference was seen before: the earlier signal, nothing new
    REJECTED = "rejected"
    UNREADABLE = "unreadable"  # the CSV reader refused a cell: never sent
    NOT_SENT = "not sent"  # the run stopped (connection or authentication) before this row


@dataclass(frozen=True)
class Receipt:
    """One line of the receipt: a row, what became of it and why (one line per reason)."""

    row: int
    reference: str | None
    outcome: Outcome
    signal_id: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass
class Tally:
    receipts: list[Receipt] = field(default_factory=list)
    failure: str | None = None  # why the run stopped early

    def add_unreadable(self, row: CsvRow) -> None:
        for problem in row.problems:
            self.receipts.append(Receipt(row.number, row.reference, Outcome.UNREADABLE, field=problem.field, message=problem.message))

    def add_answer(self, sent: Sequence[CsvRow], answer: dict[str, Any]) -> None:
        """Fold the intake's answer to one batch in; `index` in it is the position in `sent`."""
        for accepted in answer.get("accepted", []):
            row = sent[accepted["index"]]
            outcome = Outcome.REPLAYED if accepted.get("replayed") else Outcome.ACCEPTED
            self.receipts.append(Receipt(row.number, row.reference, outcome, signal_id=str(accepted["id"])))
        for rejected in answer.get("rejected", []):
            row = sent[rejected["index"]]
            for error in rejected.get("errors") or [{"loc": [], "msg": "rejected", "type": ""}]:
                self.receipts.append(
                    Receipt(row.number, row.reference, Outcome.REJECTED, field=field_of(error["loc"]), message=reason(error, row))
                )

    def add_not_sent(self, rows: Sequence[CsvRow], why: str) -> None:
        self.failure = why
        for row in rows:
            self.receipts.append(Receipt(row.number, row.reference, Outcome.NOT_SENT))

    def rows(self, outcome: Outcome) -> int:
        """How many rows ended so (a row with three reasons counts once)."""
        return len({receipt.row for receipt in self.receipts if receipt.outcome is outcome})

    def problems(self) -> list[Receipt]:
        """Every reason a row was refused, by the reader or by the intake, in file order."""
        refused = (Outcome.UNREADABLE, Outcome.REJECTED)
        return sorted((r for r in self.receipts if r.outcome in refused), key=lambda r: r.row)

    @property
    def exit_code(self) -> int:
        if self.failure is not None:
            return EXIT_UNREACHABLE
        return EXIT_SOME_REJECTED if self.problems() else EXIT_ALL_ACCEPTED


def field_of(loc: Sequence[str | int]) -> str:
    """The CSV column an intake error is about: ("body", "signals", 3, <the signal type>,
    "address", "adresseerbaarObjectIdentificatie") -> adresseerbaarObjectIdentificatie;
    ("...", "children_ages", 1) -> children_ages (item 2)."""
    path = list(loc[3:]) if list(loc[:2]) == ["body", "signals"] else list(loc)
    if path and path[0] in SIGNAL_TYPES:
        path = path[1:]
    if path and path[0] == "address":
        path = path[1:]
    if not path:
        return ROW_ERROR
    name = str(path[0])
    return f"{name} (item {path[1] + 1})" if len(path) > 1 and isinstance(path[1], int) else name


def reason(error: dict[str, Any], row: CsvRow) -> str:
    template = FRIENDLIER.get(error.get("type", ""))
    if template and row.signal_type:
        return template.format(type=row.signal_type)
    return str(error.get("msg", "rejected"))


RECEIPT_COLUMNS = ("row", "reference", "outcome", "signal_id", "field", "message")


def receipt_csv(tally: Tally) -> str:
    """Every row's fate as CSV (one line per reason), in file order: keep it with the file,
    look signals up by id later, fix the refused rows and replay them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECEIPT_COLUMNS)
    for receipt in sorted(tally.receipts, key=lambda r: r.row):
        writer.writerow(
            [receipt.row, receipt.reference or "", receipt.outcome.value, receipt.signal_id or "", receipt.field or "", receipt.message or ""]
        )
    return buffer.getvalue()
