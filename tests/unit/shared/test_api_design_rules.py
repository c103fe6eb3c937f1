"""The NL API Design Rules a linter checks, on every HTTP service of the chain
(docs/adr/0026): each publishes `/v1/openapi.json` without credentials and that
document passes the rules as a Spectral ruleset (tests/apilint/nlgov-adr.spectral.yaml)
with zero errors; every answer carries `API-Version`; a trailing slash is 404, not a
redirect; every error is `application/problem+json`, invalid input a 400 naming the field.

Spectral is the npm package in tests/apilint (`npm ci` from deploy/local/install-apilint.sh,
which `make test` runs). Missing, it FAILS these tests; they never skip."""

from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path

import pytest
from fastapi import APIRouter

from shared import http
from shared.problems import PROBLEM_JSON
from services.arrears.settings import ArrearsSettings
from tests.support.apps import key, running, unit_runtime

APILINT = Path(__file__).resolve().parents[2] / "apilint"
SPECTRAL = APILINT / "node_modules" / ".bin" / "spectral"
RULESET = APILINT / "nlgov-adr.spectral.yaml"
SERVICES = {
    "arrears": "ArrearsSettings",
    "triage": "TriageSettings",
    "placement": "PlacementSettings",
    "notifications": "NotificationsSettings",
    "monitor": "MonitorSettings",
}
ERROR = 0  # Spectral's severity: 0 error, 1 warning, 2 info, 3 hint


def service_app(name: str, tmp_path, bus, clock):
    settings = getattr(importlib.import_module(f"services.{name}.settings"), SERVICES[name])
    return importlib.import_module(f"services.{name}.app").create_app(unit_runtime(settings, tmp_path, bus, clock))


def spectral_findings(document: Path) -> list[dict]:
    if not SPECTRAL.exists():
        pytest.fail(f"Spectral is not installed at {SPECTRAL}; run deploy/local/install-apilint.sh (or `make test`)")
    command = [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--format", "json", "--quiet", "--fail-severity", "error"]
    result = subprocess.run([*command, str(document)], capture_output=True, text=True, timeout=180, cwd=APILINT)
    assert result.stdout.strip().startswith("["), f"Spectral did not report: {result.stdout[-500:]} {result.stderr[-1000:]}"
    return json.loads(result.stdout)


def assert_problem(response, status: int, version: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers
    assert response.headers["api-version"] == version
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body) and body["status"] == status, body
    return body


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_the_versioned_openapi_document_is_open_to_all_and_passes_the_design_rules(name, tmp_path, bus, clock):
    app = service_app(name, tmp_path, bus, clock)
    async with running(app) as client:
        answer = await client.get("/v1/openapi.json")  # no credentials
        legacy = await client.get("/openapi.json")
    assert answer.status_code == 200 and legacy.status_code == 200
    document = answer.json()
    assert answer.headers["api-version"] == document["info"]["version"] == app.version
    assert document["servers"][0]["url"] == "/v1" and "/openapi.json" in document["paths"]
    saved = tmp_path / f"{name}-openapi.json"
    saved.write_text(answer.text)
    findings = spectral_findings(saved)
    errors = [f"{'.'.join(map(str, f['path']))}: {f['code']}: {f['message']}" for f in findings if f["severity"] == ERROR]
    print(f"{name}: {len(findings) - len(errors)} warnings, {len(errors)} errors")
    assert errors == []


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_every_answer_has_api_version_and_every_error_is_a_problem(name, tmp_path, bus, clock):
    app = service_app(name, tmp_path, bus, clock)
    async with running(app) as client:
        document = (await client.get("/v1/openapi.json")).json()
        protected = next(path for path in document["paths"] if "{" not in path and path != "/openapi.json")
        live = await client.get("/health/live")
        unknown = await client.get("/v1/no-such-resource")
        slash = await client.get(f"/v1{protected}/")
        method = await client.delete("/v1/openapi.json")
        anonymous = await client.get(f"/v1{protected}")
    assert live.status_code == 200 and live.headers["api-version"] == app.version
    assert_problem(unknown, 404, app.version)
    assert_problem(slash, 404, app.version)  # no redirect to the path without the slash
    assert "location" not in slash.headers
    assert_problem(method, 405, app.version)
    if anonymous.status_code != 200:  # the public figures of the monitor need no credentials
        assert_problem(anonymous, 401, app.version)
        assert anonymous.headers["www-authenticate"] == "Bearer"


async def test_invalid_input_is_a_400_problem_naming_each_field_and_a_forbidden_role_a_403(tmp_path, bus, clock):
    app = service_app("arrears", tmp_path, bus, clock)
    signal = {"type": "arrears.reported", "months": 0, "address": {"postcode": "1069JD"}}
    async with running(app) as client:
        invalid = await client.post("/v1/signals", json=signal, headers=key("ymere"))
        not_json = await client.post("/v1/signals", content=b"{", headers={**key("ymere"), "content-type": "application/json"})
        deep = await client.post("/v1/signals", content=b"[" * 40 + b"]" * 40, headers={**key("ymere"), "content-type": "application/json"})
        forbidden = await client.get("/v1/signals", headers=key("functionaris-gegevensbescherming"))
    body = assert_problem(invalid, 400, app.version)
    names = {param["name"] for param in body["invalid-params"]}
    assert "arrears.reported.months" in names, names
    assert all(param["reason"] for param in body["invalid-params"]) and "1069JD" not in invalid.text
    assert assert_problem(not_json, 400, app.version)["invalid-params"][0]["type"] == "json_invalid"
    assert assert_problem(deep, 400, app.version)["invalid-params"][0]["type"] == "json_too_deep"
    assert assert_problem(forbidden, 403, app.version)["detail"] == "this role may not use this endpoint"


async def test_a_failure_inside_a_service_is_a_500_problem_that_tells_nothing_of_the_code(tmp_path, bus, clock):
    broken = APIRouter()

    @broken.get("/v1/broken")
    async def fail() -> dict:
        raise RuntimeError("secret internals of the service")

    runtime = unit_runtime(ArrearsSettings, tmp_path, bus, clock)
    app = http.service_app(runtime, title="broken", summary="fails", lifespan=None, routers=[broken], version="2.3.4")
    async with running(app) as client:
        client._transport.raise_app_exceptions = False  # answer as a server does, not re-raise into the test
        answer = await client.get("/v1/broken")
    assert_problem(answer, 500, "2.3.4")
    assert "secret" not in answer.text and "RuntimeError" not in answer.text
