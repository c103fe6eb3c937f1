"""Refuse JSON nested deeper than any request of the chain needs, before it is parsed.

Python's parser gives up somewhere near 1,000 levels, at a depth that depends on the
stack in use, with a RecursionError: the same body might parse once and fail the
next time. Every body the chain takes is at most a few levels deep, so a fixed limit
makes the answer plain and the same every time: 400, naming why (docs/adr/0011).
"""

from __future__ import annotations

import json
import re

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_TOO_DEEP_REASON = f"JSON nested deeper than {MAX_DEPTH} levels"


def _too_deep(path: str) -> bytes:
    """The 400 problem (RFC 9457, as shared.problems answers every error)."""
    param = {"name": "body", "reason": _TOO_DEEP_REASON, "loc": ["body"], "type": "json_too_deep"}
    return json.dumps({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": _TOO_DEEP_REASON,
        "instance": path,
        "invalid-params": [param],
    }).encode()


def nesting_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return 0 if not body else min(MAX_DEPTH, body.count(b"[") + body.count(b"{"))
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


class JsonDepthLimit:
    """ASGI middleware: a JSON request body nested deeper than MAX_DEPTH gets 400."""

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
        if nesting_depth(body) > MAX_DEPTH:
            headers = [(b"content-type", b"application/problem+json")]
            await send({"type": "http.response.start", "status": 400, "headers": headers})
            await send({"type": "http.response.body", "body": _too_deep(scope.get("path", ""))})
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
