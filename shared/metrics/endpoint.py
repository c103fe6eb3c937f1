"""`/metrics` in Prometheus' text format, for the scraper only, and the count of every
HTTP request by route template.

The scraper shows the bearer token `SIGNAL_METRICS_TOKEN` (required in production; in
development and test `/metrics` is open while no token is set): docs/adr/0030.
Labels name the route as declared (`/v1/signals/{signal_id}`), never the path asked
for, so no id or pseudonym becomes a label and the number of series stays bounded.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST as OPENMETRICS

from shared.problems import problem
from shared.settings import ServiceSettings

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
        return problem(request, 401, "bearer token of the metrics scraper required", headers={"WWW-Authenticate": "Bearer"})
    await runtime.figures.refresh()
    body, content_type = runtime.metrics.exposition(request.headers.get("accept"))
    return Response(body, headers={"Content-Type": content_type})


def scraper_allowed(settings: ServiceSettings, authorization: str | None) -> bool:
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
