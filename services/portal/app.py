"""The portal app: pages for GGD, prevention teams, shelters, corporations, bailiffs, police and municipalities.

`create_app(settings, client=None)` builds it; nothing connects at import or here.
Tests hand in an `httpx.AsyncClient` whose transport reaches the services in-process.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from shared.clock import Clock, SystemClock
from shared.metrics.endpoint import expose
from shared.organisations import Organisations
from shared.tracing import TraceMiddleware, tracer_provider
from services.portal import web
from services.portal.backend import Backend
from services.portal.error_pages import install_error_pages
from services.portal.metrics import PortalMetrics
from services.portal.oidc import OidcClient
from services.portal.pages import (
    auth, corporation, evictions, ggd, ggd_family, municipality, prevention, rules, safety_net, shelter, signalling,
)  # fmt: skip
from services.portal.session import SessionStore
from services.portal.settings import PortalSettings

SECURITY_HEADERS = {
    # Scripts, styles and images come from the portal itself: no CDN, no inline script.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # URLs carry case pseudonyms
    "X-Frame-Options": "DENY",
}

PAGES = (  # per actor: services/portal/pages/
    auth.router,
    ggd.router,
    ggd_family.router,
    prevention.router,
    shelter.router,
    corporation.router,
    evictions.bailiff,
    evictions.police,
    municipality.router,
    rules.router,
    signalling.ggd,
    signalling.prevention,
    signalling.municipality,
    signalling.shelter,
    safety_net.ggd,
    safety_net.prevention,
)


def create_app(
    settings: PortalSettings, client: httpx.AsyncClient | None = None, clock: Clock | None = None
) -> FastAPI:
    owns_client = client is None
    client = client or httpx.AsyncClient(timeout=settings.request_timeout_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        if owns_client:
            await client.aclose()

    app = FastAPI(
        title="Signal chain: portal",
        summary="Pages for every actor of the chain, on the services' APIs.",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.organisations = Organisations.load(settings.organisations_file)
    app.state.metrics = PortalMetrics()
    app.state.backend = Backend(settings, client, app.state.metrics)
    app.state.sessions = SessionStore(idle=timedelta(minutes=settings.session_idle_minutes))
    app.state.oidc = oidc_client(settings, client)
    app.add_middleware(TraceMiddleware, tracer_provider=tracer_provider("portal", settings.otlp_endpoint))
    app.state.templates = web.build_templates(app.state.organisations)

    app.mount("/static", StaticFiles(directory=web.HERE / "static"), name="static")
    for router in PAGES:
        app.include_router(router)

    install_security_headers(app, headers_for(settings))
    install_error_pages(app)
    app.include_router(health)
    expose(app, app.state.metrics, settings)  # the scraper's /metrics; every request counted by route template
    return app


health = APIRouter(include_in_schema=False)


@health.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "live"}


@health.get("/health/ready")
async def ready(request: Request) -> JSONResponse:
    # The portal keeps nothing of its own: it can serve as soon as it knows the organisations.
    # The services it calls have their own readiness; a page says which one did not answer.
    loaded = any(True for _ in request.app.state.organisations)
    return JSONResponse(
        {"status": "ready" if loaded else "not ready", "checks": {"organisations": loaded}},
        status_code=200 if loaded else 503,
    )


def install_security_headers(app: FastAPI, security_headers: dict[str, str]) -> None:
    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.update(security_headers)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # pages show case data
        return response


def headers_for(settings: PortalSettings) -> dict[str, str]:
    """The security headers; logging out posts a form that ends at the identity provider's
    logout page, so its origin joins `form-action` (browsers apply it to redirects too)."""
    if not settings.oidc_issuer:
        return SECURITY_HEADERS
    issuer = urlsplit(settings.oidc_issuer)
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {issuer.scheme}://{issuer.netloc}"
    )
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}


def oidc_client(settings: PortalSettings, client: httpx.AsyncClient) -> OidcClient | None:
    """The identity provider where people log in; None in development without one."""
    if not settings.oidc_issuer:
        return None
    return OidcClient(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret.get_secret_value(),
        settings.redirect_uri,
        client,
        backchannel=settings.oidc_backchannel_url,
    )
