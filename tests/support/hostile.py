"""Hypothesis strategies for hostile input (issue 11): control characters (NUL first),
unpaired surrogates, long strings, extreme dates and numbers, deep nesting, wrong
types. `mutated` takes a valid request body and puts one hostile value somewhere in it,
so most of the request still gets past the first checks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

DEEP = "__deeply_nested__"
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\ud800", "\udfff", "\n", "\r\n", "\t", "\u2028"]

controls = st.sampled_from(CONTROLS)
NEVER_ALLOWED = [c for c in CONTROLS if c not in ("\n", "\r\n", "\t", "\u2028")]  # free text may hold line breaks
refused_anywhere = st.builds(
    lambda before, bad, after: before + bad + after, st.text(max_size=12), st.sampled_from(NEVER_ALLOWED), st.text(max_size=12)
)
with_control = st.builds(lambda before, bad, after: before + bad + after, st.text(max_size=12), controls, st.text(max_size=12))
hostile_text = st.one_of(
    with_control,
    with_control,
    st.text(max_size=40),
    st.integers(min_value=61, max_value=12_000).map(lambda n: "x" * n),
)
extreme_dates = st.one_of(
    st.sampled_from(["0001-01-01", "1899-12-31", "1900-01-01", "2100-01-01", "2199-12-31", "9999-12-31",
                     "2026-02-30", "10000-01-01", "-0001-01-01", "2026-11-28T09:00:00Z"]),  # fmt: skip
    st.dates().map(lambda d: d.isoformat()),
)
extreme_numbers = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63, 2**64 + 1, 10**30, -(10**30), 1e308, -1e308, float("inf"), float("nan"), 0.5, "1e999", "NaN"]),
    st.integers(),
    st.floats(),
)
nesting = st.integers(min_value=30, max_value=5_000).map(lambda depth: Deep(depth))
junk = st.one_of(st.none(), st.booleans(), st.lists(st.text(max_size=3), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=3))
hostile_value = st.one_of(hostile_text, hostile_text, extreme_dates, extreme_numbers, nesting, junk)


def leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place a value sits in a JSON document (and the document itself)."""
    found = [path]
    if isinstance(value, dict):
        for name, inner in value.items():
            found += leaves(inner, (*path, name))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += leaves(inner, (*path, index))
    return found


def string_leaves(value: Any) -> list[tuple]:
    """Where a string sits in a JSON document."""
    return [path for path in leaves(value) if isinstance(_at(value, path), str)]


def _at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


def replaced(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = replaced(document[head], tuple(rest), value)
    return copy


@st.composite
def mutated(draw, body: Any) -> Any:
    """The body with one hostile value in it: at an existing place, or under a new key."""
    value = draw(hostile_value)
    places = leaves(body)
    if isinstance(body, dict) and draw(st.booleans()):
        return {**body, draw(st.sampled_from(["extra", "\x00", "reference", "district", "history"])): value}
    return replaced(body, draw(st.sampled_from(places)), value)


class Deep:
    """A value nested `depth` lists deep, written only when the body is encoded."""

    def __init__(self, depth: int):
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


def encode(body: Any) -> bytes:
    """JSON as a hostile client sends it: lone surrogates escaped, NaN allowed, nesting
    deeper than any JSON library would write."""
    deep: list[int] = []

    def placeholder(value):
        if isinstance(value, Deep):
            deep.append(value.depth)
            return f"{DEEP}{len(deep) - 1}"
        raise TypeError(type(value))

    text = json.dumps(body, default=placeholder)
    for index, depth in enumerate(deep):
        text = text.replace(json.dumps(f"{DEEP}{index}"), "[" * depth + "]" * depth)
    return text.encode()


def as_text(value: Any) -> str:
    """A hostile value as it would appear in a query string or path segment."""
    if isinstance(value, Deep):
        return "[" * value.depth
    return value if isinstance(value, str) else json.dumps(value)


def hostile_url(url: str, template: str, value: Any, where: str) -> str:
    """The URL with a hostile path parameter (where the template has one) or query value."""
    text = quote(as_text(value)[:1500].encode("utf-8", "surrogatepass"), safe="")  # URLs stay below 64 KB
    path, _, query = url.partition("?")
    if where == "path" and "{" in template:
        segments = path.split("/")
        for index, part in enumerate(template.split("/")):
            if part.startswith("{"):
                segments[index] = text
        return "/".join(segments) + (f"?{query}" if query else "")
    pairs = [pair.split("=", 1) for pair in query.split("&") if pair]
    if pairs:
        pairs[0][1] = text
    else:
        pairs = [[name, text] for name in ("purpose", "status", "centre", "limit", "district", "year", "organisation", "subject", "since")]
    return f"{path}?" + "&".join(f"{name}={value}" for name, value in pairs)


def form_body(form: dict, value: Any) -> bytes:
    return urlencode({**form, "client_id": as_text(value)}, encoding="utf-8", errors="surrogatepass").encode()
