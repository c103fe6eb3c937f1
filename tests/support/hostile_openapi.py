"""Schemathesis driven with the hostile strategies of tests/support/hostile.py (issue 11).

Schemathesis generates requests from a service's own OpenAPI document, positive and
negative; the hooks registered here put hostile values into what it generates: one
place in the body or one query parameter becomes a value of the same kind gone bad (a
string with NUL or another control character, a very long string, a date in year
0001, 1900, 2100 or 9999, a huge or negative number), a value of another kind, or a
deeply nested JSON document; one header gets C1 control characters or a great length;
`date` and `date-time` fields get the extreme years too. Path parameters are often
replaced by the ids of real objects, so requests reach the code behind the lookups,
not only the 404 (hostile path segments: tests/integration/test_hostile_input_properties.py).

The requests go through the test's own async httpx client (in-process, on the event
loop that owns the database pool); schemathesis's `not_a_server_error` check judges
each answer, and `problem_names_a_field` the 4xx answers of validation."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import httpx
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.support.hostile import extreme_dates, extreme_numbers, hostile_text, junk, leaves, replaced, with_control

EXTREME_DATES = ["0001-01-01", "0001-12-31", "1900-01-01", "1899-12-31", "2100-01-01", "2100-12-31", "9999-12-31"]
EXTREME_TIMES = [f"{day}T{time}" for day in EXTREME_DATES for time in ("00:00:00Z", "23:59:59+14:00", "12:00:00.999999-12:00")]
ISO_DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}")
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

# Dates near the tests' FakeClock (2026-11-28) get past the plausibility bounds to the code behind them.
near = st.dates(min_value=date(2026, 6, 1), max_value=date(2027, 3, 1))
schemathesis.openapi.format("date", st.one_of(st.sampled_from(EXTREME_DATES), near.map(date.isoformat), st.dates().map(date.isoformat)))
schemathesis.openapi.format(
    "date-time",
    st.one_of(st.sampled_from(EXTREME_TIMES), near.map(lambda d: f"{d}T09:00:00Z"), st.datetimes().map(lambda d: d.isoformat() + "Z")),
)  # fmt: skip


def nested(depth: int, inner: Any = 1) -> Any:
    """A JSON value `depth` arrays and objects deep (built without recursion)."""
    for level in range(depth):
        inner = [inner] if level % 2 else {"a": inner}
    return inner


deep = st.integers(min_value=20, max_value=250).map(nested)  # schemathesis copies bodies up to 255 levels; deeper: tests/support/hostile.py
# What PostgreSQL refuses to store in text (NUL) and what cannot be encoded (lone surrogates)
# come first: those are the strings that turn into a 5xx when a check lets them through.
refused_by_the_database = st.builds(
    lambda before, bad, after: before + bad + after, st.text(max_size=8), st.sampled_from(["\x00", "\x00", "\ud800", "\udfff"]), st.text(max_size=8)
)  # fmt: skip
text_gone_bad = st.one_of(refused_by_the_database, refused_by_the_database, with_control, hostile_text)
any_hostile = st.one_of(text_gone_bad, text_gone_bad, extreme_dates, extreme_numbers, deep, junk)  # JSON values only
dates_gone_bad = st.one_of(st.sampled_from([*EXTREME_DATES, *EXTREME_TIMES, "2026-02-30", "10000-01-01", "-0001-01-01"]), text_gone_bad)


# What an HTTP server lets through in a header value (h11: visible ASCII, space, tab, and
# bytes 0x80-0xFF, read as Latin-1: C1 control characters among them).
header_text = st.one_of(
    st.builds(
        lambda before, bad, after: before + bad + after,
        st.text("abc-123", min_size=1, max_size=8),  # a leading space or control would not reach the app
        st.sampled_from(["\x85", "\x9f", "\x80", "\t", "\xa0", "\xff"]),
        st.text("abc", max_size=8),
    ),
    st.integers(min_value=100, max_value=9_000).map(lambda n: "k" * n),
)


def like(value: Any) -> st.SearchStrategy:
    """A hostile value of the same kind as `value`, mostly; sometimes of another kind."""
    if isinstance(value, str):
        same = dates_gone_bad if ISO_DATE.match(value) else text_gone_bad
    elif isinstance(value, bool) or value is None:
        same = any_hostile
    elif isinstance(value, (int, float)):
        same = extreme_numbers
    else:
        same = st.one_of(deep, any_hostile)
    return st.one_of(same, same, same, any_hostile, deep)  # `same` first: the simplest hostile value keeps the type


@st.composite
def one_leaf_hostile(draw, document: Any) -> Any:
    """The document with one place (a leaf, a container, or the whole) made hostile."""
    places = leaves(document)
    place = draw(st.sampled_from(places[1:] or places))
    at = document
    for step in place:
        at = at[step]
    return replaced(document, place, draw(like(at)))


def mixed(generated: Any, hostile: st.SearchStrategy) -> st.SearchStrategy:
    """Two of three examples hostile; the third as schemathesis made it. Hostile first:
    Hypothesis starts from (and shrinks to) the first branch, and the first request that
    changes an object's state is the one that meets it in the state that lets it through."""
    return st.one_of(hostile, hostile, st.just(generated))


def as_query_text(value: Any) -> Any:
    return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else json.dumps(value)


def install_hooks(schema, known_ids: dict[tuple[str, str], dict[str, str]]) -> None:
    """Put hostile values into every case `schema` generates. `known_ids`: per operation
    (method, path template), the path parameters of a real object the caller may see."""

    @schema.hook("flatmap_body")
    def hostile_body(context, body):
        if isinstance(body, (dict, list)):
            return mixed(body, one_leaf_hostile(body))
        return st.just(body)

    @schema.hook("flatmap_query")
    def hostile_query(context, query):
        names = sorted(parameter.name for parameter in context.operation.query)
        if not names:
            return st.just(query)
        query = query or {}  # a parameter schemathesis left out is spoiled all the same
        spoiled = st.sampled_from(names).flatmap(lambda name: like(query.get(name, "")).map(lambda v: {**query, name: as_query_text(v)}))
        return mixed(query, spoiled)

    @schema.hook("flatmap_headers")
    def hostile_headers(context, headers):
        if not headers:
            return st.just(headers)
        return mixed(headers, st.sampled_from(sorted(headers)).flatmap(lambda name: header_text.map(lambda v: {**headers, name: v})))

    @schema.hook("flatmap_path_parameters")
    def real_ids_mostly(context, parameters):
        real = known_ids.get((context.operation.method.upper(), context.operation.path))
        if not real:
            return st.just(parameters)
        return st.one_of(st.just({**parameters, **real}), st.just({**parameters, **real}), st.just(parameters))


def ids_in(url: str, template: str) -> dict[str, str]:
    """The path parameters of a concrete URL, read against its template."""
    path = url.split("?", 1)[0].split("/")
    return {part[1:-1]: value for part, value in zip(template.split("/"), path) if part.startswith("{")}


def hostile_schema(openapi: dict, known_ids: dict[tuple[str, str], dict[str, str]]):
    """The OpenAPI document as a schemathesis schema with the hostile hooks installed."""
    schema = schemathesis.openapi.from_dict(openapi)
    install_hooks(schema, known_ids)
    return schema


def operations(schema) -> list:
    return sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: (op.path, op.method))


def cases(operation) -> st.SearchStrategy:
    """Positive and negative cases of one operation, hostile values mixed in."""
    return st.sampled_from(MODES).flatmap(lambda mode: operation.as_strategy(generation_mode=mode))


def encode_json(body: Any) -> bytes:
    """As a hostile client writes it: NaN and infinities allowed, lone surrogates escaped."""
    return json.dumps(body, allow_nan=True).encode()


def urlencoded(pairs: dict) -> str:
    """A query or form as a hostile client writes it: lone surrogates passed through as bytes."""
    return urlencode(pairs or {}, doseq=True, encoding="utf-8", errors="surrogatepass")


async def send(client: httpx.AsyncClient, case, headers: dict[str, str], base_path: str = "") -> httpx.Response:
    """Send a schemathesis case through the in-process client (its own headers plus ours)."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url).rstrip("/") + base_path)
    sent_headers = {k: v for k, v in kwargs["headers"].items() if k.lower() not in ("authorization", "x-api-key")}
    sent_headers.update(headers)
    sent_headers = {name: value.encode("latin-1") for name, value in sent_headers.items()}  # as the bytes a server reads
    query = urlencoded(kwargs.get("params"))
    url = kwargs["url"] + (f"?{query}" if query else "")
    data = kwargs.get("data")
    if "json" in kwargs:
        content = encode_json(kwargs["json"])
    elif isinstance(data, dict):
        content = urlencoded(data).encode()
    elif isinstance(data, str):
        content = data.encode("utf-8", "surrogatepass")
    else:
        content = data
    return await client.request(kwargs["method"], url, headers=sent_headers, content=content)


def judged(case, response: httpx.Response, *, documented: bool = True) -> None:
    """Schemathesis's verdict (raises its failure report): no 5xx, and with `documented`
    an answer in the content type and shape its document gives for that status."""
    checks = [not_a_server_error, *([content_type_conformance, response_schema_conformance] if documented else [])]
    case.validate_response(response, checks=checks)


def problem_names_a_field(response: httpx.Response) -> str | None:
    """For a 400/422: why it is not an RFC 9457 problem naming the field (None when it is)."""
    if response.status_code not in (400, 422):
        return None
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {response.headers.get('content-type')}"
    problem = response.json()
    params = problem.get("invalid-params") or problem.get("invalidParams") or []
    if not params or not all(param.get("name") for param in params):
        return f"no field named: {response.text[:300]}"
    return None
