"""`/metrics` in Prometheus' text format, for the scraper only, and the count of every
HTTP request by route template.

The scraper shows the bearer token `SIGNAL_METRICS_TOKEN` (required in production; in
development and test `/metrics` is open while no token is set): docs/adr/0030.
Labels name the route as declared (`/v1/signals/{signal_id}`), never the path asked
for, so no id or pseudonym becomes a label and the number of series stays bounded.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import SecretStr
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST as OPENMETRICS

from shared.metrics.registry import HttpMetrics
from shared.problems import problem

router = APIRouter(tags=["health"])
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route: a 404 or a request refused before routing


@router.get(
    "/metrics",
    summary="Prometheus metrics for the scraper (no personal data); bearer SIGNAL_METRICS_TOKEN",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_PLAIN_0_0_4: {}, OPENMETRICS: {}}}, 401: {}},
)
async def metrics(request: Request) -> Response:
    runtime = request.app.state.runtime
    if not scraper_allowed(runtime.settings, request.headers.get("authorization")):
        return refused(request)
    await runtime.figures.refresh()
    return exposed(request, runtime.metrics)


def expose(app: FastAPI, metrics: HttpMetrics, settings: ScrapeSettings) -> None:
    """`/metrics` and the count of every request, for an app without a runtime (the portal,
    the register stand-in): the same format and the same token as the services'."""

    @app.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        if not scraper_allowed(settings, request.headers.get("authorization")):
            return refused(request)
        return exposed(request, metrics)

    app.add_middleware(RequestMetrics, metrics=metrics)


def refused(request: Request) -> Response:
    return problem(request, 401, "bearer token of the metrics scraper required", headers={"WWW-Authenticate": "Bearer"})


def exposed(request: Request, metrics: HttpMetrics) -> Response:
    body, content_type = metrics.exposition(request.headers.get("accept"))
    return Response(body, headers={"Content-Type": content_type})


class ScrapeSettings(Protocol):
    """What decides who may scrape: a service's, the portal's or the register's settings."""

    environment: str
    metrics_token: SecretStr | None


def scraper_allowed(settings: ScrapeSettings, authorization: str | None) -> bool:
    """With a token set, only its bearer; without one (development, test) anyone."""
    expected = settings.metrics_token.get_secret_value().strip() if settings.metrics_token else ""
    if not expected:
        return settings.environment != "production"  # production refuses to start without one anyway
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(token.strip().encode(), expected.encode())


def status_class(code: int) -> str:
    return f"{code // 100}xx"


def route_template(scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED


class RequestMetrics:
    """Pure ASGI middleware: counts each answered request once, by method, route template
    and status class (a request that raised counts as 5xx)."""

    def __init__(self, app, metrics):
        self.app = app
        self.requests = metrics.requests

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        answered: list[int] = []

        async def send_and_note(message):
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            code = answered[0] if answered else 500
            self.requests.labels(method=method, route=route_template(scope), status_class=status_class(code)).inc()
