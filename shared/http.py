"""HTTP pieces every service shares: health endpoints, Prometheus metrics (shared.metrics,
docs/adr/0030), the NL API Design Rules (errors as problem+json with domain errors mapped
once, `API-Version`, `/v1/openapi.json`, no trailing-slash redirects: shared.problems,
shared.openapi_doc, docs/adr/0026), and 503 with Retry-After while a dependency (the
database) is away (docs/adr/0025)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from pydantic import BaseModel, Field

from shared.audit import router as audit_router
import shared.retention  # noqa: F401 - every service database has a deletion log (chain table)
from shared.clock import AdjustableClock
from shared.contracts import schemas as event_schemas
from shared.faults import TransientFailure, classify
from shared.json_depth import JsonDepthLimit
from shared.metrics.endpoint import RequestMetrics
from shared.metrics.endpoint import router as metrics_router
from shared.openapi_doc import BASE_PATH, versioned_document, with_problems
from shared.problems import install_problems, problem
from shared.oidc import OidcSettings, OidcVerifier
from shared.runtime import Runtime
from shared.settings import ServiceSettings
from shared.tokens import TokenIssuer
from shared.tokens import router as token_router
from shared.tracing import TraceMiddleware

log = logging.getLogger(__name__)
health = APIRouter(tags=["health"])
RETRY_AFTER_SECONDS = 5


@health.get("/health/live", summary="The process is up")
async def live() -> dict[str, str]:
    return {"status": "live"}


@health.get("/health/ready", summary="Database reachable, workers started, no work held for a dependency", responses={503: {}})
async def ready(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    away = runtime.outages.away()
    checks = {"database": await runtime.database_ok(), "workers": runtime.started.is_set(), "dependencies": not away}
    code = 200 if all(checks.values()) else 503
    body = {"status": "ready" if code == 200 else "not ready", "checks": checks, "away": away}
    return JSONResponse(body, status_code=code)


test_clock = APIRouter(prefix="/test", tags=["test only"])


class ClockAdvance(BaseModel):
    seconds: float = Field(gt=0, le=400 * 24 * 3600)


@test_clock.post("/clock/advance", summary="Move this service's clock forward (test environment only)")
async def advance_clock(body: ClockAdvance, request: Request) -> dict[str, str]:
    clock = request.app.state.runtime.clock
    return {"now": clock.advance(seconds=body.seconds).isoformat()}


async def _dependency_away(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the request failed because a dependency is away; else the 500 problem."""
    verdict = classify(exc)
    if not verdict.transient:
        raise exc
    request.app.state.runtime.outages.noted(verdict)
    log.warning("%s %s: %s away (%s); answered 503", request.method, request.url.path, verdict.dependency, verdict.reason)
    detail = f"temporarily unavailable ({verdict.dependency} not answering); retry after {RETRY_AFTER_SECONDS} s"
    return problem(request, 503, detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def service_app(runtime: Runtime, *, title: str, summary: str, lifespan, routers, version: str = "1.0.0", **state) -> FastAPI:
    """A service's FastAPI app: its runtime and collaborators on `app.state`, the shared
    endpoints (health, metrics, audit; the development token issuer and the test clock
    where allowed) and its own routers."""
    app = FastAPI(
        title=f"Signal chain: {title}", summary=summary, version=version, lifespan=lifespan, redirect_slashes=False
    )
    app.state.runtime = runtime
    for name, value in state.items():
        setattr(app.state, name, value)
    install(app)
    for router in routers:
        app.include_router(router)
    publish_openapi(app)
    return app


def publish_openapi(app: FastAPI) -> None:
    """`/openapi.json` (every route) and `/v1/openapi.json` (the API at its base path),
    both with errors as problems and readable without credentials."""
    generate = app.openapi

    def document() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(generate())
        return app.openapi_schema

    app.openapi = document
    versioned: dict = {}

    @app.get(f"{BASE_PATH}/openapi.json", include_in_schema=False)
    async def versioned_openapi() -> JSONResponse:
        if not versioned:
            versioned.update(versioned_document(app.openapi()))
        return JSONResponse(versioned)


def token_verifiers(settings: ServiceSettings) -> tuple[dict, TokenIssuer | None]:
    """The issuers whose tokens this service accepts, by `iss`; and the development issuer,
    which exists only in the development and test environments."""
    verifiers = {}
    development = None
    if settings.issues_development_tokens:
        development = TokenIssuer(settings.token_signing_key.get_secret_value(), settings.token_issuer)
        verifiers[development.issuer] = development
    if settings.oidc_issuer:
        oidc = OidcSettings(issuer=settings.oidc_issuer, audience=settings.oidc_audience, jwks_url=settings.oidc_jwks_url)
        verifiers[oidc.issuer] = OidcVerifier(oidc)
    return verifiers, development


def install(app: FastAPI) -> None:
    settings = app.state.runtime.settings
    app.state.verifiers, app.state.tokens = token_verifiers(settings)
    app.add_middleware(TraceMiddleware, tracer_provider=app.state.runtime.tracer_provider)
    app.include_router(health)
    app.include_router(metrics_router)
    if app.state.tokens is not None:
        app.include_router(token_router)
    app.include_router(audit_router)
    app.include_router(event_schemas.router)
    if isinstance(app.state.runtime.clock, AdjustableClock):
        app.include_router(test_clock)
    for failure in (SQLAlchemyError, OSError, TransientFailure):
        app.add_exception_handler(failure, _dependency_away)
    app.add_middleware(JsonDepthLimit)
    app.add_middleware(RequestMetrics, metrics=app.state.runtime.metrics)  # outside the depth limit: its 400s count
    install_problems(app)  # last: its API-Version middleware wraps the others' answers too
