"""The JSON body guard (shared/json_depth.py) in front of every service: a body the JSON
parser must not be given gets a 400 problem that names the body and why, never the
framework's bare "There was an error parsing the body" (found by schemathesis with the
hostile strategies, tests/integration/test_schemathesis_hostile.py)."""

from __future__ import annotations

import json

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.json_depth import MAX_DEPTH, not_text, refusal
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import key, running, unit_runtime


@pytest.mark.parametrize("body", [b"\xa5", b'{"district": "\xff"}', b'{"district": "caf\xe9"}'])
def test_a_body_that_is_not_utf8_is_refused_naming_the_body(body):
    assert not_text(body)
    problem = json.loads(refusal(body, "/v1/signals"))
    assert problem["status"] == 400
    assert problem["invalid-params"] == [
        {"name": "body", "reason": "JSON must be UTF-8 text", "loc": ["body"], "type": "json_not_text"}
    ]


@pytest.mark.parametrize("body", [b'{"district": "caf\xc3\xa9"}', '{"a": 1}'.encode("utf-16"), b'{"a": "\\u0000"}', b""])
def test_text_json_parses_as_before(body):
    assert refusal(body, "/v1/signals") is None


def test_too_deep_is_still_named_as_too_deep():
    body = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert json.loads(refusal(body, "/x"))["invalid-params"][0]["type"] == "json_too_deep"


async def test_the_intake_answers_a_latin1_signal_with_a_problem_naming_the_body(tmp_path):
    app = create_app(unit_runtime(ArrearsSettings, tmp_path, InMemoryBus(), FakeClock()))
    async with running(app, migrate=True) as client:
        response = await client.post(
            "/v1/signals", content=b'{"type": "arrears.reported", "district": "caf\xe9"}',
            headers={**key("ymere"), "content-type": "application/json"},
        )  # fmt: skip
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["invalid-params"][0]["name"] == "body"
    assert "error parsing the body" not in response.text
