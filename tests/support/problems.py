"""Reading the chain's error answers (RFC 9457 problems, docs/adr/0026) in tests."""

from __future__ import annotations

import httpx

PROBLEM_JSON = "application/problem+json"


def refusal(response: httpx.Response) -> dict:
    """What a problem tells the caller, without `instance` (the path asked for, which
    differs by design between, say, someone else's object and one that does not exist)."""
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers["content-type"]
    return {key: value for key, value in response.json().items() if key != "instance"}
