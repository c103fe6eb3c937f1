"""Every organisation of every role against every endpoint of every service, on real
objects of several organisations (tests/support/access_worlds.py): 401 without
credentials, 403 for a role that may not use the endpoint, 404 for an object of
another organisation (the same answer as for one that does not exist), and for the
entitled the endpoint's own success status, with only the caller's data.

The role expectations are written out in tests/support/access_table.py
(docs/domain.md#who-may-do-what), not derived from the code, and every endpoint a service
documents must appear in them; who owns which object is written out in the worlds."""

from __future__ import annotations

import importlib
import re
import uuid

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.organisations import Role
from tests.support.access_table import EVERY_SERVICE, EXPECTED, ORGANISATIONS, PUBLIC, SETTINGS
from tests.support.access_worlds import WORLDS, Row, decoded, remember_posts, shared_rows
from tests.support.apps import key, running, unit_runtime
from tests.support.problems import refusal

NOT_ALLOWED = "this role may not use this endpoint"
UUID_IN_PATH = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def build_app(service: str, tmp_path, bus: InMemoryBus, clock: FakeClock):
    settings = getattr(importlib.import_module(f"services.{service}.settings"), SETTINGS[service])
    if service == "notifications":
        settings = _without_handshake(settings)
    create_app = importlib.import_module(f"services.{service}.app").create_app
    return create_app(unit_runtime(settings, tmp_path, bus, clock))


def _without_handshake(settings_class):
    class Settings(settings_class):
        verify_subscriptions: bool | None = False

    Settings.__name__ = settings_class.__name__
    return Settings


async def call(client, method: str, row: Row, organisation: str | None, url: str | None = None):
    headers = key(organisation) if organisation else {}
    if row.form is not None:
        return await client.request(method, url or row.url, data=row.form, headers=headers)
    body = row.body(organisation) if callable(row.body) else row.body  # what this organisation may send
    return await client.request(method, url or row.url, json=body, headers=headers)


def expected_status(allowed: set[Role] | None, row: Row, organisation) -> int:
    if allowed is not PUBLIC and organisation.role not in allowed:
        return 403
    if row.owners is not None and organisation.id not in row.owners:
        return 404
    return row.success


def owners_last(row: Row) -> list:
    """Strangers first: their calls must change nothing the owners' calls then rely on."""
    return sorted(ORGANISATIONS, key=lambda org: (row.owners is not None and org.id in row.owners, org.id))


@pytest.mark.parametrize("service", sorted(EXPECTED))
async def test_every_organisation_against_every_endpoint_on_real_objects(service, tmp_path, bus, clock):
    app = build_app(service, tmp_path, bus, clock)
    expected = {**EVERY_SERVICE, **EXPECTED[service]}
    documented = {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}
    assert documented == set(expected), "every endpoint needs its row in the matrix"

    wrong = []
    async with running(app) as client:
        world = await WORLDS[service](client, app.state.runtime, bus, clock)
        rows = {**shared_rows(), **world.rows}
        assert set(rows) == set(expected), "every endpoint needs a real object in the world"
        for (method, path), allowed in sorted(expected.items()):
            row = rows[(method, path)]
            anonymous = await call(client, method, row, None)
            if anonymous.status_code != (row.success if allowed is PUBLIC else 401):
                wrong.append(f"{method} {path} without credentials: {anonymous.status_code}")
            for organisation in owners_last(row):
                response = await call(client, method, row, organisation.id)
                want = expected_status(allowed, row, organisation)
                if response.status_code != want:
                    wrong.append(f"{method} {path} as {organisation.id}: {response.status_code}, expected {want}")
                    continue
                if want == 403 and refusal(response) != {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": NOT_ALLOWED}:
                    wrong.append(f"{method} {path} as {organisation.id}: the refusal says more than the rule")
                if want == row.success:
                    body = decoded(response)
                    remember_posts(world, organisation.id, method, path, body)
                    if row.only_mine is not None and not row.only_mine(organisation.id, body):
                        wrong.append(f"{method} {path} as {organisation.id}: data of another organisation")
    assert wrong == []


@pytest.mark.parametrize("service", sorted(EXPECTED))
async def test_another_organisations_object_looks_exactly_like_no_object(service, tmp_path, bus, clock):
    app = build_app(service, tmp_path, bus, clock)
    async with running(app) as client:
        world = await WORLDS[service](client, app.state.runtime, bus, clock)
        compared = 0
        for (method, path), row in world.rows.items():
            if row.owners is None or not UUID_IN_PATH.search(row.url):
                continue
            allowed = EXPECTED[service][(method, path)]
            stranger = next(o for o in ORGANISATIONS if o.role in allowed and o.id not in row.owners)
            owner = sorted(row.owners)[0]
            missing = UUID_IN_PATH.sub(f"/{uuid.uuid4()}", row.url, count=1)
            theirs = await call(client, method, row, stranger.id)
            nothing = await call(client, method, row, owner, url=missing)
            assert theirs.status_code == nothing.status_code == 404, f"{method} {path}"
            assert _without_instance(theirs.json()) == _without_instance(nothing.json()), (
                f"{method} {path}: a stranger learns the object exists"
            )
            compared += 1
    assert compared or service == "monitor"


def _without_instance(body: dict) -> dict:
    """A problem+json body names the request's own path as `instance` (RFC 9457); it tells nothing more."""
    return {key: value for key, value in body.items() if key != "instance"}
