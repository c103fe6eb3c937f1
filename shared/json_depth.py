"""Refuse JSON nested deeper than any request of the chain needs, before it is parsed.

Python's parser gives up somewhere near 1,000 levels, at a depth that depends on the
stack in use, with a RecursionError: the same body might parse once and fail the
next time. Every body the chain takes is at most a few levels deep, so a fixed limit
makes the answer plain and the same every time: 400, naming why (docs/adr/0011).
A body that is not text in the encoding JSON requires (RFC 8259: UTF-8) gets the same
plain 400, where the framework would answer "There was an error parsing the body".

The answer is the chain's problem shape (shared.problems); an app whose routes under
a path answer in another standard's shape names it in `app.state.body_refusals`
(path prefix -> function of path, reason and kind giving the problem body), as the
notifications service does for its ZGW facade.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

Refusal = Callable[[str, str, str], dict]  # (path, reason, kind) -> the problem body

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_TOO_DEEP_REASON = f"JSON nested deeper than {MAX_DEPTH} levels"
_NOT_TEXT_REASON = "JSON must be UTF-8 text"


def chain_refusal(path: str, reason: str, kind: str) -> dict:
    """The 400 problem (RFC 9457, as shared.problems answers every error)."""
    param = {"name": "body", "reason": reason, "loc": ["body"], "type": kind}
    return {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": reason,
        "instance": path,
        "invalid-params": [param],
    }


def nesting_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return 0 if not body else min(MAX_DEPTH, body.count(b"[") + body.count(b"{"))
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def not_text(body: bytes) -> bool:
    """True when the parser could not decode the body (json.loads decodes UTF-8, -16 or -32)."""
    try:
        body.decode(json.detect_encoding(body))
    except UnicodeDecodeError:
        return True
    return False


def refusal(body: bytes, path: str, shape: Refusal = chain_refusal) -> bytes | None:
    """The 400 answer for a body the JSON parser must not be given, None for one it may."""
    if nesting_depth(body) > MAX_DEPTH:
        return json.dumps(shape(path, _TOO_DEEP_REASON, "json_too_deep")).encode()
    if not_text(body):
        return json.dumps(shape(path, _NOT_TEXT_REASON, "json_not_text")).encode()
    return None


def _shape_for(scope) -> Refusal:
    shapes = getattr(getattr(scope.get("app"), "state", None), "body_refusals", None) or {}
    path = scope.get("path", "")
    return next((shape for prefix, shape in shapes.items() if path.startswith(prefix)), chain_refusal)


class JsonDepthLimit:
    """ASGI middleware: a JSON request body nested deeper than MAX_DEPTH, or not text, gets 400."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or b"json" not in dict(scope["headers"]).get(b"content-type", b""):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message)
            more = message.get("more_body", False)
        body = b"".join(chunk.get("body", b"") for chunk in chunks)
        refused = refusal(body, scope.get("path", ""), _shape_for(scope))
        if refused is not None:
            headers = [(b"content-type", b"application/problem+json")]
            await send({"type": "http.response.start", "status": 400, "headers": headers})
            await send({"type": "http.response.body", "body": refused})
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _replay(messages: list[dict], then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
