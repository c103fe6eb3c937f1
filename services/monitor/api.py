"""Figures per municipality, period, metric, outcome and family; the eviction table; CSV.

`/v1/...` is for municipalities (X-API-Key): exact counts for their own municipality
codes, suppressed figures for any other. `/v1/public/...` needs no key and is always
suppressed: it is what may be published as it is.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import caller
from shared.contracts.districts import DistrictCode, shown_districts
from shared.caller import Caller
from shared.organisations import Organisation, Role
from shared.runtime import Runtime
from services.monitor import reads
from services.monitor.domain import catalogue
from services.monitor.domain.figures import eviction_columns, eviction_table, figure_rows, table_cell
from services.monitor.domain.suppression import RULE, sees_exact

router = APIRouter(prefix="/v1", tags=["figures (municipality)"])
public = APIRouter(prefix="/v1/public", tags=["figures (public, suppressed)"])
Municipality = Annotated[Caller, Depends(caller(Role.MUNICIPALITY))]

PERIOD_RULE = "each fact counts in the calendar month of its own date; which date, per metric: counted_by"
Count = int | str


class FiguresQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality: str = Field(pattern=r"^[0-9]{4}$", description="CBS gemeentecode, e.g. 0363")
    year: int = Field(ge=1900, le=2100, description="a history load may reach back decades")
    month: int | None = Field(None, ge=1, le=12, description="absent: the whole year")
    district: DistrictCode | None = Field(None, description="a district code, or unknown; absent: every district")


class TableQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality: str = Field(pattern=r"^[0-9]{4}$", description="CBS gemeentecode, e.g. 0363")


class Figure(BaseModel):
    metric: str
    outcome: str
    family: str = Field(description="family | no_family | unknown | all")
    count: Count


class Figures(BaseModel):
    municipality: str
    year: int
    month: int | None
    district: str | None
    exact: bool = Field(description="false: small cells are suppressed")
    suppression: str = RULE
    period_rule: str = PERIOD_RULE
    counted_by: dict[str, str] = Field(catalogue.COUNTED_BY, description="per metric, the date its facts are counted by")
    last_changed: datetime | None = Field(
        description="when a count of this period last changed (a late fact changes a closed period); null: never"
    )
    districts: list[str] = Field(description="districts with counts in this municipality and year")
    figures: list[Figure]


class EvictionTable(BaseModel):
    municipality: str
    exact: bool
    suppression: str = RULE
    period_rule: str = PERIOD_RULE
    counted_by: str = catalogue.COUNTED_BY[catalogue.EVICTION]
    columns: list[str] = Field(description="the columns of each row; `last_changed`: when a count of that year last changed")
    rows: list[dict[str, Count | datetime | None]]


FiguresParams = Annotated[FiguresQuery, Query()]
TableParams = Annotated[TableQuery, Query()]


def _exact(organisation: Organisation | None, municipality: str) -> bool:
    if organisation is None:
        return False
    return sees_exact(organisation.role is Role.MUNICIPALITY, organisation.municipality_codes, municipality)


async def _figures(request: Request, query: FiguresQuery, exact: bool) -> Figures:
    runtime: Runtime = request.app.state.runtime
    counted = await reads.cells(
        runtime.sessions, query.municipality, year=query.year, month=query.month, district=query.district
    )
    changes = await reads.last_changed(runtime.sessions, query.municipality)
    in_period = [at for (year, month), at in changes.items() if year == query.year and query.month in (None, month)]
    published = None if exact else await request.app.state.publications.of(query.municipality, query.year)

    def count(row) -> Count:
        if published is None:
            return row.count
        return published.shown((row.metric, row.outcome), row.family, query.month, query.district, row.count)

    return Figures(
        municipality=query.municipality,
        year=query.year,
        month=query.month,
        district=query.district,
        exact=exact,
        last_changed=max(in_period, default=None),
        districts=shown_districts(query.municipality, await reads.districts(runtime.sessions, query.municipality, query.year)),
        figures=[Figure(metric=r.metric, outcome=r.outcome, family=r.family, count=count(r)) for r in figure_rows(counted)],
    )


async def _table(request: Request, municipality: str, exact: bool) -> EvictionTable:
    runtime: Runtime = request.app.state.runtime
    counted = await reads.cells(runtime.sessions, municipality, metric=catalogue.EVICTION)
    changes = await reads.last_changed(runtime.sessions, municipality, metric=catalogue.EVICTION)
    rows = []
    for year, columns in eviction_table(counted):
        published = None if exact else await request.app.state.publications.of(municipality, year)
        shown_columns = {
            name: value if published is None else published.shown(*table_cell(name), None, None, value)
            for name, value in columns.items()
        }
        rows.append({"year": year, **shown_columns, "last_changed": max((at for (y, _), at in changes.items() if y == year), default=None)})
    columns = ["year", *eviction_columns(), "last_changed"]
    return EvictionTable(municipality=municipality, exact=exact, columns=columns, rows=rows)


def last_modified(response: Response, *moments: datetime | None) -> None:
    """`Last-Modified`: the latest change of any period in the answer."""
    known = [moment for moment in moments if moment is not None]
    if known:
        response.headers["Last-Modified"] = format_datetime(max(known).replace(microsecond=0), usegmt=True)


def _figures_csv(figures: Figures) -> Response:
    lines = [
        [figures.municipality, figures.year, figures.month or "", figures.district or "", f.metric, f.outcome, f.family, f.count]
        for f in figures.figures
    ]
    header = ["municipality_code", "year", "month", "district", "metric", "outcome", "family", "count"]
    name = f"figures-{figures.municipality}-{figures.year}" + (f"-{figures.month:02d}" if figures.month else "")
    response = _csv(header, lines, name)
    last_modified(response, figures.last_changed)
    return response


def _table_csv(table: EvictionTable) -> Response:
    lines = [[_cell(row[c]) for c in table.columns] for row in table.rows]
    response = _csv(table.columns, lines, f"evictions-{table.municipality}")
    last_modified(response, *(row["last_changed"] for row in table.rows))
    return response


def _cell(value: Count | datetime) -> Count | str:
    return value.isoformat() if isinstance(value, datetime) else value


def _csv(header: list[str], lines: list[list], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


_CSV = {200: {"content": {"text/csv": {}}}}


@router.get("/figures", response_model=Figures, summary="Counts per metric, outcome and family for one period")
async def figures(organisation: Municipality, query: FiguresParams, request: Request, response: Response) -> Figures:
    answer = await _figures(request, query, _exact(organisation, query.municipality))
    last_modified(response, answer.last_changed)
    return answer


@router.get("/figures.csv", response_class=Response, responses=_CSV, summary="The same figures as CSV")
async def figures_csv(organisation: Municipality, query: FiguresParams, request: Request) -> Response:
    return _figures_csv(await _figures(request, query, _exact(organisation, query.municipality)))


@router.get("/tables/evictions", response_model=EvictionTable, summary="Scheduled evictions and outcomes per year (Table 1)")
async def evictions(organisation: Municipality, query: TableParams, request: Request, response: Response) -> EvictionTable:
    answer = await _table(request, query.municipality, _exact(organisation, query.municipality))
    last_modified(response, *(row["last_changed"] for row in answer.rows))
    return answer


@router.get("/tables/evictions.csv", response_class=Response, responses=_CSV, summary="Table 1 as CSV")
async def evictions_csv(organisation: Municipality, query: TableParams, request: Request) -> Response:
    return _table_csv(await _table(request, query.municipality, _exact(organisation, query.municipality)))


@public.get("/figures", response_model=Figures, summary="Suppressed figures, for publication")
async def public_figures(query: FiguresParams, request: Request, response: Response) -> Figures:
    answer = await _figures(request, query, exact=False)
    last_modified(response, answer.last_changed)
    return answer


@public.get("/figures.csv", response_class=Response, responses=_CSV, summary="Suppressed figures as CSV")
async def public_figures_csv(query: FiguresParams, request: Request) -> Response:
    return _figures_csv(await _figures(request, query, exact=False))


@public.get("/tables/evictions", response_model=EvictionTable, summary="Suppressed Table 1, for publication")
async def public_evictions(query: TableParams, request: Request, response: Response) -> EvictionTable:
    answer = await _table(request, query.municipality, exact=False)
    last_modified(response, *(row["last_changed"] for row in answer.rows))
    return answer


@public.get("/tables/evictions.csv", response_class=Response, responses=_CSV, summary="Suppressed Table 1 as CSV")
async def public_evictions_csv(query: TableParams, request: Request) -> Response:
    return _table_csv(await _table(request, query.municipality, exact=False))
