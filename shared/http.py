"""HTTP pieces every service shares: health endpoints, clear validation errors, and
domain errors (shared.errors) mapped to their status once, and 503 with Retry-After while a
dependency (the database) is away."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from pydantic import BaseModel, Field

from shared.audit import router as audit_router
import shared.retention  # noqa: F401 - every service database has a deletion log (chain table)
from shared.clock import AdjustableClock
from shared.errors import Conflict, FieldConflict, NotFound
from shared.faults import TransientFailure, classify
from shared.json_depth import JsonDepthLimit
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


@health.get("/metrics", summary="Counters for operators (no personal data)")
async def metrics(request: Request) -> dict[str, int | float | None]:
    runtime: Runtime = request.app.state.runtime
    lag = await runtime.bus.lag()
    try:
        backlog = await runtime.relay.backlog()
    except Exception as exc:  # noqa: BLE001 - metrics answer most when the database does not
        if not classify(exc).transient:
            raise
        backlog = None
    return {
        "outbox_backlog": backlog,
        "outbox_published": runtime.relay.published,
        "dead_lettered": sum(consumer.dead_lettered for consumer in runtime.consumers),
        "consumer_lag": sum(lag.values()),
        **{f"consumer_lag:{group}": value for group, value in sorted(lag.items())},
        **{f"consumer_partitions:{group}": held for group, held in sorted(runtime.bus.assigned_partitions().items())},
        **runtime.outages.metrics(),
    }


test_clock = APIRouter(prefix="/test", tags=["test only"])


class ClockAdvance(BaseModel):
    seconds: float = Field(gt=0, le=400 * 24 * 3600)


@test_clock.post("/clock/advance", summary="Move this service's clock forward (test environment only)")
async def advance_clock(body: ClockAdvance, request: Request) -> dict[str, str]:
    clock = request.app.state.runtime.clock
    return {"now": clock.advance(seconds=body.seconds).isoformat()}


_PLAIN = (str, int, float, bool, type(None))
_ECHOES_INPUT = frozenset({"tag"})  # ctx keys that carry what was sent


def clean_errors(errors, prefix: tuple[str | int, ...] = ()) -> list[dict]:
    """Pydantic errors as 422 detail entries: the discriminator named when a `type` is
    unknown or missing; never the submitted (possibly personal) input, no doc URL."""
    entries = []
    for error in errors:
        loc = (*prefix, *error["loc"])
        if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            loc = (*loc, (error.get("ctx") or {}).get("discriminator", "'type'").strip("'"))
        entry = {"loc": list(loc), "msg": error["msg"], "type": error["type"]}
        ctx = {key: value for key, value in (error.get("ctx") or {}).items() if key not in _ECHOES_INPUT}
        if error["type"] == "union_tag_invalid":  # pydantic's message quotes the tag that was sent
            entry["msg"] = f"unknown value; expected one of {ctx.get('expected_tags', '')}"
        if ctx:
            entry["ctx"] = {key: value if isinstance(value, _PLAIN) else str(value) for key, value in ctx.items()}
        entries.append(entry)
    return entries


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": clean_errors(exc.errors())}, status_code=422)


async def _dependency_away(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the request failed because a dependency is away; else a 500 as before."""
    verdict = classify(exc)
    if not verdict.transient:
        raise exc
    request.app.state.runtime.outages.noted(verdict)
    log.warning("%s %s: %s away (%s); answered 503", request.method, request.url.path, verdict.dependency, verdict.reason)
    return JSONResponse(
        {"detail": f"temporarily unavailable ({verdict.dependency} not answering); retry after {RETRY_AFTER_SECONDS} s"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _field_conflict(_request: Request, exc: FieldConflict) -> JSONResponse:
    detail = [{"loc": [exc.location, exc.field], "msg": str(exc), "type": "conflict"}]
    return JSONResponse({"detail": detail}, status_code=409)


def service_app(runtime: Runtime, *, title: str, summary: str, lifespan, routers, version: str = "1.0.0", **state) -> FastAPI:
    """A service's FastAPI app: its runtime and collaborators on `app.state`, the shared
    endpoints (health, metrics, audit; the development token issuer and the test clock
    where allowed) and its own routers."""
    app = FastAPI(title=f"Signal chain: {title}", summary=summary, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    for name, value in state.items():
        setattr(app.state, name, value)
    install(app)
    for router in routers:
        app.include_router(router)
    return app


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
    app.add_middleware(TraceMiddleware)
    app.include_router(health)
    if app.state.tokens is not None:
        app.include_router(token_router)
    app.include_router(audit_router)
    if isinstance(app.state.runtime.clock, AdjustableClock):
        app.include_router(test_clock)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for failure in (SQLAlchemyError, OSError, TransientFailure):
        app.add_exception_handler(failure, _dependency_away)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(FieldConflict, _field_conflict)
    app.add_middleware(JsonDepthLimit)
