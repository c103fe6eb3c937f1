"""A CSV of signals read into request bodies for POST /v1/signals/batch. Pure: text in,
rows out, no I/O.

The reader only turns cells into JSON values (numbers, dates, yes/no, lists); what a
signal needs is the intake's business, so a row that reads well can still be rejected
there. A row with a cell the reader cannot read is never sent. Problems name the column,
never the cell's content: the summary may end up in a log.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from collections.abc import Callable
from typing import Any

ROW_ERROR = "row"  # the field named when the problem is the row itself


class CellError(ValueError):
    """A cell the reader cannot turn into a value; the message says what was expected."""


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (header): nothing is sent."""


def text(cell: str) -> str:
    return cell


def postcode(cell: str) -> str:
    """'1069 jd' as 1069JD, as the BAG writes it."""
    return cell.replace(" ", "").upper()


def whole(cell: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,9}", cell):
        raise CellError("not a whole number")
    return int(cell)


def amount(cell: str) -> str:
    """Euros with a decimal point, sent as a string so no cent is lost to a float."""
    if "," in cell:
        raise CellError("not an amount: use a point for cents (1450.00), no thousands separator")
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise CellError("not an amount in euros (1450.00)") from None
    if not value.is_finite():
        raise CellError("not an amount in euros (1450.00)")
    return str(value)


def day(cell: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        raise CellError("not a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(cell).isoformat()
    except ValueError:
        raise CellError("not an existing date (YYYY-MM-DD)") from None


YES = frozenset({"true", "yes", "ja", "j", "y", "1"})
NO = frozenset({"false", "no", "nee", "n", "0"})


def yes_no(cell: str) -> bool:
    lowered = cell.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise CellError("not yes or no (true/false, ja/nee, 1/0)")


def whole_list(cell: str) -> list[int]:
    """'3;7' or '3 7' or '3|7' (a comma too, when the file's delimiter is ';')."""
    items = [item for item in re.split(r"[;,|\s]+", cell) if item]
    try:
        return [whole(item) for item in items]
    except CellError:
        raise CellError("not a list of whole numbers (3;7)") from None


def code_list(cell: str) -> list[str]:
    """'nuisance;neglect' or 'nuisance neglect' or 'nuisance|neglect' (a comma too, when the file's delimiter is ';')."""
    return [item for item in re.split(r"[;,|\s]+", cell) if item]


ADDRESS_COLUMNS = (
    "adresseerbaarObjectIdentificatie", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "gemeentecode",
)  # fmt: skip
# Every column the reader knows, in the order the README documents them.
COLUMNS: dict[str, Callable[[str], Any]] = {
    "reference": text,
    "type": text,
    "adresseerbaarObjectIdentificatie": text,
    "postcode": postcode,
    "huisnummer": whole,
    "huisletter": text,
    "huisnummertoevoeging": text,
    "gemeentecode": text,
    "observed_on": day,
    "district": text,
    "months": whole,
    "amount_eur": amount,
    "tenancy_start": day,
    "household_size_known": whole,
    "landlord_type": text,
    "resolution": text,
    "grounds": text,
    "last_chance": yes_no,
    "history": yes_no,
    "eviction_date": day,
    "reason": text,
    "outcome": text,
    "adults": whole,
    "children_ages": whole_list,
    "concerns": code_list,
    "method": text,
    "result": text,
    "support_started_on": day,
}
REQUIRED_COLUMNS = ("type", "observed_on")
# A dwelling is named by its BAG id, or by postcode and house number with the municipality code.
POSTCODE_ADDRESS_COLUMNS = ("postcode", "huisnummer", "gemeentecode")
_CANONICAL = {name.lower(): name for name in COLUMNS}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True)
class CsvRow:
    """One data row. `number` is the row as a spreadsheet shows it (the header is row 1)."""

    number: int
    reference: str | None
    signal_type: str | None
    body: dict[str, Any] | None = None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def readable(self) -> bool:
        return self.body is not None

    def batch_item(self) -> dict[str, Any]:
        """The row as an item of POST /v1/signals/batch."""
        assert self.body is not None, "an unreadable row is never sent"
        return {**self.body, "reference": self.reference} if self.reference else dict(self.body)


def read_signals(content: str) -> list[CsvRow]:
    """Every non-blank data row of a CSV of signals, read or with its problems.

    Raises UnreadableFile when the header is missing, repeats a column, lacks a
    required one or names one the reader does not know (a column it does not know
    could hold data that must not be sent, so it refuses rather than ignores it)."""
    reader = csv.reader(io.StringIO(content), delimiter=_delimiter(content))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableFile("the file has no header row")
    columns = _columns(header)
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, or a spreadsheet's empty rows
        rows.append(read_row(reader.line_num, columns, cells))
    return rows


def read_row(number: int, columns: list[str], cells: list[str]) -> CsvRow:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if len(cells) > len(columns):
        problems.append(Problem(ROW_ERROR, f"{len(cells)} cells but {len(columns)} columns"))
    for name, raw in zip(columns, cells):
        cell = raw.strip()
        if not cell:
            continue  # an empty cell is an absent field
        if not name:
            problems.append(Problem(ROW_ERROR, "a value in a column without a name"))
            continue
        try:
            values[name] = COLUMNS[name](cell)
        except CellError as error:
            problems.append(Problem(name, str(error)))
    reference = values.pop("reference", None)
    signal_type = values.get("type")
    if problems:
        return CsvRow(number, reference, signal_type, problems=tuple(problems))
    address = {name: values.pop(name) for name in ADDRESS_COLUMNS if name in values}
    body = {**values, "address": address} if address else values
    return CsvRow(number, reference, signal_type, body=body)


def _delimiter(content: str) -> str:
    """',' or ';' (what a Dutch spreadsheet writes), judged from the header line."""
    header = content.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _columns(header: list[str]) -> list[str]:
    columns = [_CANONICAL.get(cell.strip().lower(), cell.strip()) for cell in header]
    unknown = [name for name in columns if name and name not in COLUMNS]  # unnamed columns: a spreadsheet's trailing commas
    if unknown:
        raise UnreadableFile(f"unknown column(s): {', '.join(unknown)}; known columns: {', '.join(COLUMNS)}")
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise UnreadableFile(f"column(s) given more than once: {', '.join(repeated)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if "adresseerbaarObjectIdentificatie" not in columns and not set(POSTCODE_ADDRESS_COLUMNS) <= set(columns):
        missing.append(f"adresseerbaarObjectIdentificatie (or {', '.join(POSTCODE_ADDRESS_COLUMNS)})")
    if missing:
        raise UnreadableFile(f"required column(s) missing: {', '.join(missing)}")
    return columns
