"""Structured logs: one JSON object per line, with the service and, while a request is
handled, the trace id the caller sees in `X-Trace-Id` (and the audit records carry)."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest
from fastapi import FastAPI

from services.triage.settings import TriageSettings
from shared.logging import LogFormat, configure
from shared.tracing import TraceMiddleware

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def lines():
    stream = io.StringIO()
    configure("triage", "INFO", LogFormat.JSON, stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    configure("tests", "WARNING")


def app_that_logs() -> FastAPI:
    app = FastAPI()
    app.add_middleware(TraceMiddleware)

    @app.get("/work")
    async def work():
        logging.getLogger("services.triage.case").info("case %s decided", "c-pseudonym")
        return {}

    return app


async def test_a_line_logged_in_a_request_names_its_trace(lines):
    transport = httpx.ASGITransport(app=app_that_logs())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/work", headers={"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"})

    [line] = lines()
    assert answer.headers["X-Trace-Id"] == TRACE
    assert line["trace_id"] == TRACE
    assert line["message"] == "case c-pseudonym decided"
    assert (line["level"], line["service"], line["logger"]) == ("INFO", "triage", "services.triage.case")
    assert "T" in line["time"]


def test_a_line_outside_a_request_has_no_trace_and_an_exception_is_one_field(lines):
    try:
        raise ValueError("register answered 503")
    except ValueError:
        logging.getLogger("services.triage").exception("look-up failed")

    [line] = lines()
    assert "trace_id" not in line
    assert "ValueError: register answered 503" in line["exception"]


def test_production_logs_json_unless_told_otherwise():
    assert TriageSettings(environment="development").log_lines is LogFormat.TEXT
    assert TriageSettings(environment="development", log_format="json").log_lines is LogFormat.JSON
    production = TriageSettings.model_construct(environment="production", log_format=None)  # no secrets needed to ask
    assert production.log_lines is LogFormat.JSON
