"""The population-register stand-in as an HTTP service, shaped like Haal Centraal.

Same paths, bodies and errors as the real BRP APIs, so pointing the chain at a
municipality's endpoint is a configuration change:

* POST /haalcentraal/api/brp/personen       (BRP Personen 2.x)
* POST /haalcentraal/api/bewoning/bewoningen (BRP Bewoning 2.x)
* GET  /health
* GET  /metrics                              (Prometheus, for the scraper: docs/adr/0030)
* GET  /haalcentraal/protocollering          (stand-in only: the purpose headers of the
  latest requests, services/register/protocollering.py)

The official OpenAPI documents are served next to the endpoints
(.../openapi.yaml); FastAPI's own generated schema is switched off because it
would describe the bodies less precisely than the official documents.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import SecretStr

from services.register.bewoning import BewoningApi
from services.register.moves import add_move_hook
from services.register.personen import PersonenApi
from services.register.problems import Problem
from services.register.population import RegisterStore
from services.register.protocollering import Protocollering
from shared.metrics import HttpMetrics
from shared.metrics.endpoint import expose
from shared.oidc import OidcVerifier
from shared.tokens import InvalidToken

PERSONEN_PATH = "/haalcentraal/api/brp/personen"
BEWONING_PATH = "/haalcentraal/api/bewoning/bewoningen"
OPENAPI_DIR = Path(__file__).resolve().parent / "openapi"
PERSONEN_SPEC = OPENAPI_DIR / "brp-personen.yaml"
BEWONING_SPEC = OPENAPI_DIR / "brp-bewoning.yaml"
JSON_UTF8 = "application/json; charset=utf-8"
API_KEY_HEADER = "X-API-KEY"

log = logging.getLogger("services.register")


@lru_cache(maxsize=4)
def load_openapi(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def create_app(
    store: RegisterStore | None = None,
    *,
    api_key: str | None = None,
    verifier: OidcVerifier | None = None,
    today: Callable[[], date] = date.today,
    metrics_token: str | None = None,
    test_hooks: bool = False,
) -> FastAPI:
    """Build the app; the test data is read here, never at import time.

    `api_key`: when set, requests must carry it in X-API-KEY (401 otherwise).
    `verifier`: when set, requests must carry an access token it accepts
    (`Authorization: Bearer`; 401 otherwise, also with an API key).
    `today`: the day `leeftijd` is computed on (the real API uses the request day).
    `metrics_token`: when set, `/metrics` answers only the scraper showing it as bearer token
    (the stand-in runs in development and test only, where an unset token leaves it open).
    `test_hooks`: serve `POST /test/verhuizing` (a family moves; SIGNAL_ENVIRONMENT=test only).
    """
    if api_key is not None and verifier is not None:
        raise ValueError("an API key or access tokens, not both")
    authenticate = _authentication(api_key, verifier)
    store = store or RegisterStore.load()
    personen = PersonenApi(store, load_openapi(PERSONEN_SPEC))
    bewoning = BewoningApi(store)
    app = FastAPI(title="BRP stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.protocollering = protocollering = Protocollering()

    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(Exception, _unexpected)

    @app.post(PERSONEN_PATH)
    async def search_persons(request: Request) -> JSONResponse:
        await authenticate(request)
        body = await _read_query(request)
        protocollering.record(request, body.get("type"))
        return JSONResponse(personen.search(body, today()), media_type=JSON_UTF8)

    @app.post(BEWONING_PATH)
    async def search_occupancy(request: Request) -> JSONResponse:
        await authenticate(request)
        body = await _read_query(request)
        protocollering.record(request, body.get("type"))
        return JSONResponse(bewoning.search(body), media_type=JSON_UTF8)

    @app.get("/haalcentraal/protocollering", include_in_schema=False)
    async def protocol(limit: int = 100) -> list[dict]:
        return protocollering.latest(max(1, min(limit, 10_000)))

    if test_hooks:
        add_move_hook(app, [personen, bewoning])
    _serve_health_and_documents(app)
    expose(app, HttpMetrics(), ScrapeAccess(metrics_token))
    return app


@dataclass(frozen=True)
class ScrapeAccess:
    """Who may read `/metrics`: the stand-in never runs in production (services/register/__main__.py)."""

    token: str | None
    environment: str = "development"

    @property
    def metrics_token(self) -> SecretStr | None:
        return SecretStr(self.token) if self.token else None


def _serve_health_and_documents(app: FastAPI) -> None:
    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/haalcentraal/api/brp/openapi.yaml", include_in_schema=False)
    async def personen_spec() -> FileResponse:
        return FileResponse(PERSONEN_SPEC, media_type="application/yaml")

    @app.get("/haalcentraal/api/bewoning/openapi.yaml", include_in_schema=False)
    async def bewoning_spec() -> FileResponse:
        return FileResponse(BEWONING_SPEC, media_type="application/yaml")


async def _problem(request: Request, problem: Problem) -> JSONResponse:
    return problem.response(str(request.url))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected %s on %s", type(error).__name__, request.url.path)
    problem = Problem(500, "Interne server fout.", "serverError",
                      type_="https://datatracker.ietf.org/doc/html/rfc7231#section-6.6.1")  # fmt: skip
    return problem.response(str(request.url))


def _authentication(api_key: str | None, verifier: OidcVerifier | None) -> Callable[[Request], Awaitable[None]]:
    """What a request must carry: nothing, the API key, or an access token the verifier accepts."""

    async def authenticate(request: Request) -> None:
        if verifier is not None:
            authorization = request.headers.get("authorization", "")
            if authorization[:7].lower() != "bearer ":
                raise _unauthenticated("geen access token")
            try:
                await verifier.verify(authorization[7:].strip(), datetime.now(UTC))
            except InvalidToken as refused:
                log.warning("access token refused: %s", refused)
                raise _unauthenticated("access token geweigerd") from None
        elif api_key is not None and request.headers.get(API_KEY_HEADER) != api_key:
            raise _unauthenticated(None)

    return authenticate


def _unauthenticated(detail: str | None) -> Problem:
    return Problem(401, "Niet correct geauthenticeerd.", "authentication", detail=detail,
                   type_="https://datatracker.ietf.org/doc/html/rfc7235#section-3.1")  # fmt: skip


async def _read_query(request: Request) -> dict:
    """Check the media types, and read the JSON object the query is."""
    accept = request.headers.get("accept", "*/*")
    if not any(kind in accept for kind in ("application/json", "application/*", "*/*")):
        raise Problem(406, "Gevraagde contenttype wordt niet ondersteund.", "notAcceptable",
                      type_="https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.6")  # fmt: skip
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise Problem(415, "Media Type wordt niet ondersteund.", "unsupportedMediaType",
                      type_="https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.13")  # fmt: skip
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise Problem(400, "De request body is geen geldig JSON object.", "paramsValidation")
    return body
