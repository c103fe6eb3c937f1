"""Municipality: the monitor's figures as charts and tables, like the report's tables,
and the same figures as CSV. Exact counts for its own municipality, suppressed ("<5")
for any other: the monitor decides, the page shows which it got."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import web
from services.portal.charts import grouped, horizontal
from services.portal.figures_filter import FiguresQuery, figures_query
from services.portal.labels import outcome_label
from services.portal.session import Session

router = APIRouter(prefix="/gemeente", include_in_schema=False)
Municipality = Annotated[Session, Depends(web.require(Role.MUNICIPALITY))]
EVICTION_SERIES = (
    "aanbod_offered",
    "afgemeld_withdrawn",
    "niet_not_executed",
    "betaald_paid_at_door",
    "ontruimd_evicted",
    "noorderzon_left_unknown_destination",
)
FAMILIES = ("family", "no_family", "unknown", "all")


def metric_tables(figures: list[dict]) -> list[dict]:
    """The flat figures as one table per metric: a row per outcome, a column per family status."""
    tables: dict[str, dict[str, dict[str, object]]] = {}
    for figure in figures:
        rows = tables.setdefault(figure["metric"], {})
        rows.setdefault(figure["outcome"], {})[figure["family"]] = figure["count"]
    result = []
    for metric, outcomes in tables.items():
        rows = [
            {"outcome": outcome, "label": outcome_label(outcome, metric), **{f: counts.get(f, 0) for f in FAMILIES}}
            for outcome, counts in outcomes.items()
        ]
        chart = horizontal([(row["label"], row["all"]) for row in rows])
        result.append({"metric": metric, "rows": rows, "chart": chart})
    return result


def evictions_chart(table: dict):
    """Table 1 of the report as grouped bars: per year, one bar per outcome column."""
    return grouped([(str(row["year"]), [row[name] for name in EVICTION_SERIES]) for row in table["rows"]])


def _query(request: Request, session: Session) -> tuple[FiguresQuery, dict[str, str]]:
    own = session.organisation.municipality_codes
    return figures_query(request.query_params, own[0] if own else "0363", dutch_date(request.app.state.clock.now()).year)


@router.get("")
async def monitor(request: Request, session: Municipality) -> Response:
    query, errors = _query(request, session)
    params = {"municipality": query.municipality, "year": query.year, **({"month": query.month} if query.month else {})}
    backend = request.app.state.backend
    figures = await backend.get("monitor", "/v1/figures", session.token, params)
    table = await backend.get("monitor", "/v1/tables/evictions", session.token, {"municipality": query.municipality})
    context = {
        "session": session,
        "query": query,
        "errors": errors,
        "figures": figures,
        "metrics": metric_tables(figures["figures"]),
        "table": table,
        "evictions_chart": evictions_chart(table) if table["rows"] else None,
        "series": EVICTION_SERIES,
        "years": [row["year"] for row in table["rows"]],
        "codes": sorted({*session.organisation.municipality_codes, query.municipality}),
        "this_year": dutch_date(request.app.state.clock.now()).year,
    }
    return web.render(request, "municipality/monitor.html", context, 422 if errors else 200)


@router.get("/cijfers.csv")
async def figures_csv(request: Request, session: Municipality) -> Response:
    query, _ = _query(request, session)
    params = {"municipality": query.municipality, "year": query.year, **({"month": query.month} if query.month else {})}
    return await _csv(request, session, "/v1/figures.csv", params)


@router.get("/ontruimingen.csv")
async def evictions_csv(request: Request, session: Municipality) -> Response:
    query, _ = _query(request, session)
    return await _csv(request, session, "/v1/tables/evictions.csv", {"municipality": query.municipality})


async def _csv(request: Request, session: Session, path: str, params: dict) -> Response:
    answer = await request.app.state.backend.download("monitor", path, session.token, params)
    disposition = answer.headers.get("Content-Disposition", 'attachment; filename="monitor.csv"')
    return Response(answer.content, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})
