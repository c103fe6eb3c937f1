"""Counters into the figures a municipality reads: per metric, outcome and family,
and the eviction table shaped like Table 1 of the report.

Sums are taken over exact counts, before any suppression: a total of suppressed
cells would be meaningless, and "all" families is a cell of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import ALL_FAMILIES, Cell, Family

FAMILY_COLUMNS = (*(f.value for f in Family), ALL_FAMILIES)


@dataclass(frozen=True)
class FigureRow:
    metric: str
    outcome: str
    family: str
    count: int


def figure_rows(cells: Iterable[tuple[Cell, int]]) -> list[FigureRow]:
    """Every (metric, outcome) of the catalogue and any other that was counted, per family and for all."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for cell, count in cells:
        totals[(cell.metric, cell.outcome, cell.family)] += count
        totals[(cell.metric, cell.outcome, ALL_FAMILIES)] += count
    pairs = [(metric, outcome) for metric, outcomes in c.CATALOGUE.items() for outcome in outcomes]
    known = set(pairs)
    pairs += sorted({(m, o) for m, o, _ in totals} - known)  # an outcome added later is still shown
    return [
        FigureRow(metric, outcome, family, totals.get((metric, outcome, family), 0))
        for metric, outcome in pairs
        for family in FAMILY_COLUMNS
    ]


# Table 1 of the report (docs/domain.md#table-1-evictions-in-amsterdam-20002007) and the outcome each column counts.
# Households gone with unknown destination (noorderzonners, docs/domain.md#glossary) get a column of their
# own; in Boedelbeheer's figures they are part of "ontruimd".
EVICTION_COLUMNS: dict[str, str] = {
    "aanbod_offered": c.SCHEDULED,
    "afgemeld_withdrawn": c.WITHDRAWN,
    "niet_not_executed": "not_executed",
    "betaald_paid_at_door": "paid_at_door",
    "ontruimd_evicted": "evicted",
    "noorderzon_left_unknown_destination": "left_unknown_destination",
}
FAMILY_SUFFIX = "_families"


def table_cell(column: str) -> tuple[tuple[str, str], str]:
    """The (metric, outcome) and family a column of the eviction table counts."""
    outcome = EVICTION_COLUMNS[column.removesuffix(FAMILY_SUFFIX)]
    return (c.EVICTION, outcome), (Family.FAMILY.value if column.endswith(FAMILY_SUFFIX) else ALL_FAMILIES)


def eviction_columns() -> list[str]:
    return [*EVICTION_COLUMNS, *(name + FAMILY_SUFFIX for name in EVICTION_COLUMNS)]


def eviction_table(cells: Iterable[tuple[Cell, int]]) -> list[tuple[int, dict[str, int]]]:
    """Per year with any eviction counted: each column, and how many of them were families."""
    per_year: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(eviction_columns(), 0))
    outcome_column = {outcome: name for name, outcome in EVICTION_COLUMNS.items()}
    for cell, count in cells:
        if cell.metric != c.EVICTION or cell.outcome not in outcome_column:
            continue
        row = per_year[cell.year]
        column = outcome_column[cell.outcome]
        row[column] += count
        if cell.family == Family.FAMILY.value:
            row[column + FAMILY_SUFFIX] += count
    return sorted(per_year.items())
