"""Every role against every endpoint of every service: 401 without credentials, 403
for a role that may not use it, and past the gate (any other answer) for one that may.
The expectations are written out here (docs/domain.md#who-may-do-what), not derived
from the code, and every endpoint a service documents must appear in them."""

from __future__ import annotations

import importlib
import re

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.organisations import Role
from tests.support.apps import key, running, unit_runtime

R = Role
SIGNALLERS = {R.CORPORATION, R.BAILIFF, R.POLICE}
ANY = set(R)
PUBLIC = None  # no credentials needed

EXPECTED: dict[str, dict[tuple[str, str], set[Role] | None]] = {
    "arrears": {
        ("POST", "/v1/signals"): SIGNALLERS,
        ("GET", "/v1/signals"): SIGNALLERS,
        ("POST", "/v1/signals/batch"): SIGNALLERS,
        ("GET", "/v1/signals/{signal_id}"): SIGNALLERS,
        ("GET", "/v1/retention/deletions"): {R.PRIVACY_OFFICER},
    },
    "triage": {
        ("GET", "/v1/cases/{case_key}"): {R.GGD, R.PREVENTION_TEAM},
        ("GET", "/v1/alerts"): {R.GGD, R.PREVENTION_TEAM},
        ("POST", "/v1/alerts/{alert_id}/feedback"): {R.GGD, R.PREVENTION_TEAM},
        ("POST", "/v1/cases/{case_key}/composition"): {R.GGD, R.PREVENTION_TEAM},
        ("GET", "/v1/capacity"): {R.PREVENTION_TEAM, R.GGD, R.MUNICIPALITY},
    },
    "placement": {
        ("GET", "/v1/facilities"): {R.SHELTER, R.GGD, R.MUNICIPALITY},
        ("PATCH", "/v1/facilities/{facility_id}"): {R.SHELTER},
        ("POST", "/v1/requests"): {R.GGD},
        ("GET", "/v1/requests"): {R.SHELTER, R.GGD},
        ("GET", "/v1/requests/{request_id}"): {R.SHELTER, R.GGD},
        ("POST", "/v1/requests/{request_id}/confirm"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/decline"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/end"): {R.SHELTER},
        ("POST", "/v1/requests/{request_id}/alternative"): {R.GGD},
        ("GET", "/v1/waitlist"): {R.SHELTER, R.GGD},
    },
    "notifications": {
        ("GET", "/v1/subscriptions"): ANY,
        ("POST", "/v1/subscriptions"): ANY,
        ("DELETE", "/v1/subscriptions/{subscription_id}"): ANY,
        ("GET", "/v1/deliveries"): ANY,
        ("POST", "/v1/deliveries/{delivery_id}/replay"): ANY,
        ("GET", "/v1/inbox"): ANY,
        ("POST", "/v1/inbox/{alert_id}/acknowledge"): ANY,
    },
    "monitor": {
        ("GET", "/v1/figures"): {R.MUNICIPALITY},
        ("GET", "/v1/figures.csv"): {R.MUNICIPALITY},
        ("GET", "/v1/tables/evictions"): {R.MUNICIPALITY},
        ("GET", "/v1/tables/evictions.csv"): {R.MUNICIPALITY},
        ("GET", "/v1/public/figures"): PUBLIC,
        ("GET", "/v1/public/figures.csv"): PUBLIC,
        ("GET", "/v1/public/tables/evictions"): PUBLIC,
        ("GET", "/v1/public/tables/evictions.csv"): PUBLIC,
    },
}
EVERY_SERVICE = {
    ("GET", "/health/live"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("POST", "/oauth/token"): PUBLIC,
    ("GET", "/v1/audit"): {R.PRIVACY_OFFICER},
}
ONE_OF_EACH = {
    R.CORPORATION: "ymere",
    R.BAILIFF: "deurwaarder-amsterdam",
    R.POLICE: "politie-amsterdam",
    R.PREVENTION_TEAM: "vroeg-eropaf-amsterdam",
    R.GGD: "ggd-amsterdam-vangnet",
    R.SHELTER: "hvo-querido",
    R.MUNICIPALITY: "gemeente-amsterdam",
    R.PRIVACY_OFFICER: "functionaris-gegevensbescherming",
}
PATH_VALUES = {
    "case_key": "hh-0123456789abcdef0123456789abcdef",
    "facility_id": "roggeveen-two-parent",
}
SETTINGS = {
    "arrears": "ArrearsSettings",
    "triage": "TriageSettings",
    "placement": "PlacementSettings",
    "notifications": "NotificationsSettings",
    "monitor": "MonitorSettings",
}


def build_app(service: str, tmp_path):
    settings = getattr(importlib.import_module(f"services.{service}.settings"), SETTINGS[service])
    create_app = importlib.import_module(f"services.{service}.app").create_app
    return create_app(unit_runtime(settings, tmp_path, InMemoryBus(), FakeClock()))


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "00000000-0000-4000-8000-000000000000"), path)


@pytest.mark.parametrize("service", sorted(EXPECTED))
async def test_every_role_against_every_endpoint(service, tmp_path):
    app = build_app(service, tmp_path)
    expected = {**EVERY_SERVICE, **EXPECTED[service]}
    documented = {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}
    assert documented == set(expected), "every endpoint needs its row in the matrix"

    wrong = []
    async with running(app) as client:
        for (method, path), allowed in sorted(expected.items()):
            url = concrete(path)
            anonymous = await client.request(method, url, json={})
            if allowed is not PUBLIC and anonymous.status_code != 401:
                wrong.append(f"{method} {path} without credentials: {anonymous.status_code}")
            if allowed is PUBLIC:
                continue
            for role, organisation in ONE_OF_EACH.items():
                status = (await client.request(method, url, json={}, headers=key(organisation))).status_code
                if role in allowed and status in (401, 403):
                    wrong.append(f"{method} {path} as {role.value}: {status}, expected access")
                if role not in allowed and status != 403:
                    wrong.append(f"{method} {path} as {role.value}: {status}, expected 403")
    assert wrong == []


@pytest.mark.parametrize("service", sorted(EXPECTED))
async def test_a_refusal_says_nothing_about_the_data(service, tmp_path):
    app = build_app(service, tmp_path)
    async with running(app) as client:
        for (method, path), allowed in EXPECTED[service].items():
            if allowed in (PUBLIC, ANY):
                continue
            outsider = next(org for role, org in ONE_OF_EACH.items() if role not in allowed)
            response = await client.request(method, concrete(path), json={}, headers=key(outsider))
            assert response.json() == {"detail": "this role may not use this endpoint"}
