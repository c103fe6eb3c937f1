"""Schemathesis with the hostile strategies (issue 11 §3): every operation of every
service's OpenAPI document, fuzzed in-process on PostgreSQL (which refuses what SQLite
stores: NUL in text, lone surrogates) by cases schemathesis generates from the document,
positive and negative, with NUL and other control characters, very long strings,
dates in years 0001/1900/2100/9999, huge and negative numbers and deeply nested JSON
mixed in (tests/support/hostile_openapi.py). The caller holds a key of a role the
operation allows (the owner of a real object where the path names one), so requests
reach validation and the code behind it. No answer is a 5xx; every answer has the
content type and shape the document gives for its status; a 400 or 422 is an RFC 9457
problem that names the field. The register stand-in gets the same against the official
Haal Centraal documents it serves.

One app per service for the whole module (its world of real objects seeded once, as
tests/support/access_worlds.py writes it); examples are derandomized (the same every run)."""

from __future__ import annotations

import importlib
from contextlib import AsyncExitStack

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from services.register.app import BEWONING_SPEC, PERSONEN_SPEC, load_openapi
from services.register.app import create_app as create_register
from tests.conftest import create_database, drop_database
from tests.support.access_table import EVERY_SERVICE, EXPECTED, ORGANISATIONS, PUBLIC, SETTINGS
from tests.support.access_worlds import WORLDS, shared_rows
from tests.support.apps import key, running
from tests.support.hostile_openapi import cases, hostile_schema, ids_in, judged, operations, problem_names_a_field, send

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]
EXAMPLES_PER_OPERATION = 15
OAUTH = ("POST", "/oauth/token")  # answers in RFC 6749's error shape, not RFC 9457
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each step is a request; the report shows the case as sent
)  # fmt: skip
OPERATIONS = sorted((service, *endpoint) for service in EXPECTED for endpoint in {**EVERY_SERVICE, **EXPECTED[service]})


def caller(service: str, endpoint: tuple[str, str], owners: set[str] | None) -> dict[str, str]:
    """The key of someone who gets past the gates: an owner of the object, else an organisation of an allowed role."""
    allowed = {**EVERY_SERVICE, **EXPECTED[service]}[endpoint]
    if owners:
        return key(sorted(owners)[0])
    if allowed is PUBLIC:
        return {}
    return key(next(o.id for o in sorted(ORGANISATIONS, key=lambda o: "amsterdam" not in o.id) if o.role in allowed))


class Service:
    def __init__(self, name: str, client, rows: dict):
        self.name, self.client, self.rows = name, client, rows
        known = {endpoint: ids_in(row.url, endpoint[1]) for endpoint, row in rows.items() if "{" in endpoint[1]}
        schema = hostile_schema(client.app_openapi, known)
        self.operations = {(op.method.upper(), op.path): op for op in operations(schema)}

    def headers(self, endpoint: tuple[str, str]) -> dict[str, str]:
        row = self.rows.get(endpoint)
        return caller(self.name, endpoint, row.owners if row else None)


class Services:
    """Each service's app started on first use and kept for the module."""

    def __init__(self, admin_url: str, stack: AsyncExitStack):
        self.admin_url, self.stack, self.started, self.databases = admin_url, stack, {}, []

    async def get(self, name: str) -> Service:
        if name not in self.started:
            database, url = create_database(self.admin_url, name)
            self.databases.append(database)
            bus, clock = InMemoryBus(), FakeClock()
            settings_class = getattr(importlib.import_module(f"services.{name}.settings"), SETTINGS[name])
            extra = {"verify_subscriptions": False} if name == "notifications" else {}
            runtime = build_runtime(settings_class(database_url=url, **extra), bus=bus, clock=clock)
            app = importlib.import_module(f"services.{name}.app").create_app(runtime)
            client = await self.stack.enter_async_context(running(app, migrate=True))
            client.app_openapi = app.openapi()
            world = await WORLDS[name](client, runtime, bus, clock)
            self.started[name] = Service(name, client, {**shared_rows(), **world.rows})
        return self.started[name]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(postgres_admin_url):
    async with AsyncExitStack() as stack:
        started = Services(postgres_admin_url, stack)
        yield started
    for database in started.databases:
        drop_database(postgres_admin_url, database)


@pytest.mark.parametrize("service,method,path", OPERATIONS, ids=lambda part: part)
@FUZZ
@given(data=st.data())
async def test_no_hostile_case_gives_a_server_error(services, service, method, path, data):
    served = await services.get(service)
    endpoint = (method, path)
    assert endpoint in served.operations, f"{method} {path} is not in the OpenAPI document of {service}"
    case = data.draw(cases(served.operations[endpoint]), label="case")
    response = await send(served.client, case, served.headers(endpoint))
    judged(case, response)
    if endpoint != OAUTH:
        assert problem_names_a_field(response) is None, f"{method} {response.request.url}: {problem_names_a_field(response)}"


# The register stand-in is fuzzed against the official Haal Centraal documents it serves
# (services/register/openapi/); it answers errors in that standard's shape, so only "no 5xx".
REGISTER = [(PERSONEN_SPEC, "/haalcentraal/api/brp"), (BEWONING_SPEC, "/haalcentraal/api/bewoning")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def register():
    app = create_register()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client, {base: operations(hostile_schema(load_openapi(spec), {}))[0] for spec, base in REGISTER}


@pytest.mark.parametrize("base", [base for _, base in REGISTER])
@FUZZ
@given(data=st.data())
async def test_no_hostile_query_gives_the_register_a_server_error(register, base, data):
    client, searches = register
    case = data.draw(cases(searches[base]), label="case")
    judged(case, await send(client, case, {}, base), documented=False)  # its official messages break their own pattern
