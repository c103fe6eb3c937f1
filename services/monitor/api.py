"""Figures per municipality, period, metric, outcome and family; the eviction table; CSV.

`/v1/...` is for municipalities (X-API-Key): exact counts for their own municipality
codes, suppressed figures for any other. `/v1/public/...` needs no key and is always
suppressed: it is what may be published as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import caller
from shared.contracts.districts import DistrictCode, shown_districts
from shared.caller import Caller
from shared.organisations import Organisation, Role
from shared.runtime import Runtime
from services.monitor import store
from services.monitor.domain import catalogue
from services.monitor.domain.figures import eviction_columns, eviction_table, figure_rows
from services.monitor.domain.suppression import RULE, sees_exact, shown

router = APIRouter(prefix="/v1", tags=["figures (municipality)"])
public = APIRouter(prefix="/v1/public", tags=["figures (public, suppressed)"])
Municipality = Annotated[Caller, Depends(caller(Role.MUNICIPALITY))]

PERIOD_RULE = "the calendar month of the event's time, in Dutch local time (CET/CEST)"
Count = int | str


class FiguresQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipality: str = Field(pattern=r"^[0-9]{4}$", description="CBS gemeentecode, e.g. 0363")
    year: int = Field(ge=2000, le=2100)
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
    districts: list[str] = Field(description="districts with counts in this municipality and year")
    figures: list[Figure]


class EvictionTable(BaseModel):
    municipality: str
    exact: bool
    suppression: str = RULE
    period_rule: str = PERIOD_RULE
    columns: list[str]
    rows: list[dict[str, Count]]


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
FiguresParams = Annotated[FiguresQuery, Query()]
TableParams = Annotated[TableQuery, Query()]


def _exact(organisation: Organisation | None, municipality: str) -> bool:
    if organisation is None:
        return False
    return sees_exact(organisation.role is Role.MUNICIPALITY, organisation.municipality_codes, municipality)


async def _figures(runtime: Runtime, query: FiguresQuery, exact: bool) -> Figures:
    counted = await store.cells(
        runtime.sessions, query.municipality, year=query.year, month=query.month, district=query.district
    )
    return Figures(
        municipality=query.municipality,
        year=query.year,
        month=query.month,
        district=query.district,
        exact=exact,
        districts=shown_districts(query.municipality, await store.districts(runtime.sessions, query.municipality, query.year)),
        figures=[
            Figure(metric=row.metric, outcome=row.outcome, family=row.family, count=shown(row.count, exact=exact))
            for row in figure_rows(counted)
        ],
    )


async def _table(runtime: Runtime, municipality: str, exact: bool) -> EvictionTable:
    counted = await store.cells(runtime.sessions, municipality, metric=catalogue.EVICTION)
    rows = [
        {"year": year, **{name: shown(value, exact=exact) for name, value in columns.items()}}
        for year, columns in eviction_table(counted)
    ]
    return EvictionTable(municipality=municipality, exact=exact, columns=["year", *eviction_columns()], rows=rows)


def _figures_csv(figures: Figures) -> Response:
    lines = [
        [figures.municipality, figures.year, figures.month or "", figures.district or "", f.metric, f.outcome, f.family, f.count]
        for f in figures.figures
    ]
    header = ["municipality_code", "year", "month", "district", "metric", "outcome", "family", "count"]
    name = f"figures-{figures.municipality}-{figures.year}" + (f"-{figures.month:02d}" if figures.month else "")
    return _csv(header, lines, name)


def _table_csv(table: EvictionTable) -> Response:
    return _csv(table.columns, [[row[c] for c in table.columns] for row in table.rows], f"evictions-{table.municipality}")


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
async def figures(organisation: Municipality, query: FiguresParams, runtime: RuntimeDep) -> Figures:
    return await _figures(runtime, query, _exact(organisation, query.municipality))


@router.get("/figures.csv", response_class=Response, responses=_CSV, summary="The same figures as CSV")
async def figures_csv(organisation: Municipality, query: FiguresParams, runtime: RuntimeDep) -> Response:
    return _figures_csv(await _figures(runtime, query, _exact(organisation, query.municipality)))


@router.get("/tables/evictions", response_model=EvictionTable, summary="Scheduled evictions and outcomes per year (Table 1)")
async def evictions(organisation: Municipality, query: TableParams, runtime: RuntimeDep) -> EvictionTable:
    return await _table(runtime, query.municipality, _exact(organisation, query.municipality))


@router.get("/tables/evictions.csv", response_class=Response, responses=_CSV, summary="Table 1 as CSV")
async def evictions_csv(organisation: Municipality, query: TableParams, runtime: RuntimeDep) -> Response:
    return _table_csv(await _table(runtime, query.municipality, _exact(organisation, query.municipality)))


@public.get("/figures", response_model=Figures, summary="Suppressed figures, for publication")
async def public_figures(query: FiguresParams, runtime: RuntimeDep) -> Figures:
    return await _figures(runtime, query, exact=False)


@public.get("/figures.csv", response_class=Response, responses=_CSV, summary="Suppressed figures as CSV")
async def public_figures_csv(query: FiguresParams, runtime: RuntimeDep) -> Response:
    return _figures_csv(await _figures(runtime, query, exact=False))


@public.get("/tables/evictions", response_model=EvictionTable, summary="Suppressed Table 1, for publication")
async def public_evictions(query: TableParams, runtime: RuntimeDep) -> EvictionTable:
    return await _table(runtime, query.municipality, exact=False)


@public.get("/tables/evictions.csv", response_class=Response, responses=_CSV, summary="Suppressed Table 1 as CSV")
async def public_evictions_csv(query: TableParams, runtime: RuntimeDep) -> Response:
    return _table_csv(await _table(runtime, query.municipality, exact=False))
