"""What may be published of one municipality's year: every figure the public outputs can
show (per month and for the year, per published district and for the whole city, per
family status and for all), with small cells and their complements suppressed so that no
suppressed count can be derived from the others (secondary.py).

The figures of a year form tables of flat hierarchies: family statuses add up to "all",
months to the year, districts (and the part of the city in no published district, which is
never published) to the city. Some series add up to another series too (`LINKED`): those
share one table with a series dimension; a series counted from the same facts as another
(`MIRRORED`) shares its suppression. A year stands alone (no figure spans two years)
and so does a municipality, so one municipality-year is settled at a time, the same way
for every output: the figures, Table 1 and their CSV.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared.contracts.event_types import SignalType
from shared.contracts.events.follow_up import CaseOutcome
from shared.contracts.events.placement import Outflow
from shared.contracts.events.signals import EvictionOutcome, VerdictGrounds
from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import ALL_FAMILIES, Cell, Family
from services.monitor.domain.secondary import TOTAL, Coord, Dimension, Status, complete, protect
from services.monitor.domain.suppression import SUPPRESSED

Series = tuple[str, str]  # (metric, outcome)
NO_DISTRICT = ""  # the counters' district of a fact without a (published) district
NOT_PUBLISHED = "x"  # a complement of a small cell (5 or more), or a figure never published
WITHHELD = "."  # a table where no complement fits (its small cells and totals are all small): all withheld

# Series that add up to another series, on the same dates: (total, parts). The rest (the
# total minus its parts) is never published: evictions scheduled without an outcome yet (or
# outcomes whose schedule the monitor never saw), reminders about an intermediate report.
# A rest of 0 (a closed year) is taken as known.
REST: Series = ("", "rest")
LINKED: tuple[tuple[Series, tuple[Series, ...]], ...] = (
    ((c.SIGNAL, SignalType.VERDICT_ISSUED.value), tuple((c.VERDICT, g.value) for g in VerdictGrounds)),
    ((c.EVICTION, c.SCHEDULED), ((c.EVICTION, c.WITHDRAWN), *((c.EVICTION, o.value) for o in EvictionOutcome))),
    ((c.PLACEMENT, c.ENDED), tuple((c.OUTFLOW, o.value) for o in Outflow)),
    ((c.PREVENTION, c.REFERRED), tuple((m, o.value) for m in c.CASE_OUTCOME_METRICS for o in CaseOutcome)),
    ((c.ALERT, "reminder"), ((c.PREVENTION, c.REPORT_MISSING),)),
)
# Series counted from the same facts as another, cell for cell: a prevention alert is a
# referral. They share its suppression (a reader sees they are equal).
MIRRORED: dict[Series, Series] = {(c.ALERT, "prevention"): (c.PREVENTION, c.REFERRED)}
# Signals counted again, on another date, by the eviction metric: published, they would be a
# second total over the same evictions. The public sees the eviction metric instead. So for
# first safety-net plans, counted by the day made and again by the eviction's date: the public
# sees the plans by the day made; the municipality sees both, exactly.
WITHHELD_SERIES: frozenset[Series] = frozenset(
    {(c.SIGNAL, t.value) for t in (SignalType.EVICTION_SCHEDULED, SignalType.EVICTION_CANCELLED, SignalType.EVICTION_EXECUTED)}
    | {(c.EVICTION_WITH_SAFETY_NET, c.SCHEDULED)}
)
FAMILIES = Dimension(tuple(f.value for f in Family))
MONTHS = Dimension(tuple(range(1, 13)))


@dataclass
class Publication:
    """The status of every figure of one municipality-year."""

    districts: tuple[str, ...]
    status: dict[tuple[Series, Coord], Status] = field(default_factory=dict)

    def shown(self, series: Series, family: str, month: int | None, district: str | None, count: int) -> int | str:
        if series in WITHHELD_SERIES:
            return NOT_PUBLISHED
        coord = (
            TOTAL if family == ALL_FAMILIES else family,
            TOTAL if month is None else month,
            TOTAL if district is None else district,
        )
        state = self.status.get((series, coord))
        if state is None:  # nothing counted in this series this year, or a district without counts
            return count if count == 0 else NOT_PUBLISHED
        if state is Status.PUBLISHED:
            return count
        if state is Status.WITHHELD:
            return WITHHELD
        return SUPPRESSED if state is Status.PRIMARY else NOT_PUBLISHED


def publish(cells: Iterable[tuple[Cell, int]], districts: Sequence[str]) -> Publication:
    """Settle every table of one municipality-year; `districts`: the districts published."""
    by_series: defaultdict[Series, Counter[Coord]] = defaultdict(Counter)
    for cell, count in cells:
        district = cell.district if cell.district in districts else NO_DISTRICT
        by_series[(cell.metric, cell.outcome)][(cell.family, cell.month, district)] += count
    publication = Publication(tuple(districts))
    place = Dimension((*districts, NO_DISTRICT), hidden=frozenset({NO_DISTRICT}))
    linked = set()
    for total, parts in LINKED:
        linked |= {total, *parts}
        if any(s in by_series for s in (total, *parts)):
            _settle_linked(publication, place, total, parts, by_series)
    for series, counts in by_series.items():
        if series not in linked and series not in WITHHELD_SERIES and series not in MIRRORED:
            dimensions = (FAMILIES, MONTHS, place)
            for coord, state in protect(dimensions, complete(dimensions, counts)).items():
                publication.status[(series, coord)] = state
    for mirror, original in MIRRORED.items():
        for (series, coord), state in list(publication.status.items()):
            if series == original:
                publication.status[(mirror, coord)] = state
    return publication


def _settle_linked(publication: Publication, place: Dimension, total: Series, parts: tuple[Series, ...], by_series) -> None:
    """One table with a series dimension: the parts and their rest, with `total` as its total."""
    counts = {(part, *coord): n for part in parts for coord, n in by_series.get(part, {}).items()}
    for coord, n in by_series.get(total, {}).items():
        counts[(REST, *coord)] = n
    for (part, *coord), n in list(counts.items()):
        if part != REST:
            counts[(REST, *coord)] = counts.get((REST, *coord), 0) - n
    dimensions = (Dimension((*parts, REST), hidden=frozenset({REST}), signed=True), FAMILIES, MONTHS, place)
    for (series, *coord), state in protect(dimensions, complete(dimensions, counts)).items():
        if series != REST:
            publication.status[(total if series == TOTAL else series, tuple(coord))] = state
