"""A stream of eviction signals built from Table 1 of the 2009 report: Amsterdam's scheduled
evictions 2000-2007 and how each ended (`tests/data/amsterdam_evictions_2000_2007.csv`,
copied from the report's table; the years 2000-2003 have no "afgemeld" column).

Every offered eviction is scheduled once and ends in exactly one outcome: withdrawn
(`eviction.cancelled`), or executed as not executed, paid at the door or evicted. Each has a
dwelling of its own (a BAG id nobody is registered at) and an eviction date spread over its
year. The bailiff announces it 30 days ahead (so a January eviction is announced the year
before) and calls a withdrawn one off 3 days ahead, naming the eviction's date; an executed
one is reported on the day itself. The monitor must file each outcome under the eviction's
year, whatever day it was posted or received.

`scale` divides every figure (rounded down), for a quicker run of the same shape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "data" / "amsterdam_evictions_2000_2007.csv"
BAILIFF = "deurwaarder-amsterdam"
OUTCOME_COLUMNS = {  # the report's column -> how the eviction ended at the intake
    "afgemeld_withdrawn": "withdrawn",
    "niet_not_executed": "not_executed",
    "betaald_paid_at_door": "paid_at_door",
    "ontruimd_evicted": "evicted",
}
ANNOUNCED_DAYS_AHEAD = 30
CALLED_OFF_DAYS_AHEAD = 3
FIRST_DWELLING = 8_000_000_000  # BAG numbers nobody is registered at in the register stand-in


@dataclass(frozen=True)
class YearRow:
    year: int
    offered: int
    outcomes: dict[str, int]  # report column -> count; a column the year lacks is absent

    def scaled(self, scale: int) -> "YearRow":
        outcomes = {column: count // scale for column, count in self.outcomes.items()}
        return YearRow(self.year, sum(outcomes.values()), outcomes)


def table(scale: int = 1) -> list[YearRow]:
    """The report's rows; every year's offered equals the sum of its outcomes (checked)."""
    rows = []
    with TABLE.open(newline="") as handle:
        for line in csv.DictReader(handle):
            outcomes = {column: int(line[column]) for column in OUTCOME_COLUMNS if line[column]}
            row = YearRow(int(line["year"]), int(line["aanbod_offered"]), outcomes)
            if row.offered != sum(outcomes.values()):
                raise ValueError(f"{row.year}: offered {row.offered} is not the sum of its outcomes")
            rows.append(row.scaled(scale) if scale != 1 else row)
    return rows


def eviction_day(year: int, n: int) -> date:
    """The n-th eviction of a year, spread over its days (deterministic)."""
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return first + timedelta(days=(n * 7919) % days)


def signals(rows: list[YearRow]) -> list[dict]:
    """Batch rows (bodies of POST /v1/signals with a `reference`), each year's schedules
    first, then their outcomes."""
    posted: list[dict] = []
    dwelling = FIRST_DWELLING
    for row in rows:
        scheduled, ended = [], []
        n = 0
        for column, count in row.outcomes.items():
            for _ in range(count):
                on = eviction_day(row.year, n)
                address = {"adresseerbaarObjectIdentificatie": f"036301{dwelling:010d}"}
                reference = f"table1-{dwelling}"
                scheduled.append({
                    "reference": reference + "-scheduled", "type": "eviction.scheduled", "address": address,
                    "observed_on": (on - timedelta(days=ANNOUNCED_DAYS_AHEAD)).isoformat(), "eviction_date": on.isoformat(),
                    "history": True,
                })  # fmt: skip
                ended.append(_ending(OUTCOME_COLUMNS[column], reference + "-ended", address, on))
                dwelling += 1
                n += 1
        posted += scheduled + ended
    return posted


def _ending(outcome: str, reference: str, address: dict, on: date) -> dict:
    if outcome == "withdrawn":
        called_off = on - timedelta(days=CALLED_OFF_DAYS_AHEAD)
        return {"reference": reference, "type": "eviction.cancelled", "address": address,
                "observed_on": called_off.isoformat(), "eviction_date": on.isoformat(), "history": True}  # fmt: skip
    return {"reference": reference, "type": "eviction.executed", "address": address,
            "observed_on": on.isoformat(), "outcome": outcome, "history": True}  # fmt: skip


def expected_table(rows: list[YearRow]) -> dict[int, dict[str, int]]:
    """What the monitor's Table 1 must say per year (the report's columns; absent ones are 0)."""
    return {
        row.year: {"aanbod_offered": row.offered, **{column: row.outcomes.get(column, 0) for column in OUTCOME_COLUMNS}}
        for row in rows
    }
