"""Every read of case or household data is in the audit log, and only the privacy
officer reads the log."""

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from shared.runtime import build_runtime
from services.placement.app import create_app
from services.placement.settings import PlacementSettings
from tests.support.apps import key, running, unit_runtime
from tests.support.issuer_server import IssuerServer

FAMILY = {"adults": 1, "children_ages": [2, 5], "family_type": "one_parent", "need": "crisis", "municipality_code": "0363", "reason": "family_evicted"}


@pytest.fixture
def app(tmp_path):
    return create_app(unit_runtime(PlacementSettings, tmp_path, InMemoryBus(), FakeClock()))


async def test_reads_of_household_data_are_audited_for_the_privacy_officer(app):
    async with running(app) as client:
        created = (await client.post("/v1/requests", json=FAMILY, headers=key("ggd-amsterdam-vangnet"))).json()
        await client.get(f"/v1/requests/{created['id']}", headers=key("ggd-amsterdam-vangnet"))
        await client.get("/v1/requests", headers=key("hvo-querido"))
        log = await client.get("/v1/audit", headers=key("functionaris-gegevensbescherming"))
        only_ggd = await client.get("/v1/audit?organisation=ggd-amsterdam-vangnet", headers=key("functionaris-gegevensbescherming"))
        by_ggd = await client.get("/v1/audit", headers=key("ggd-amsterdam-vangnet"))
        anonymous = await client.get("/v1/audit")
    assert log.status_code == 200
    entries = log.json()
    assert [(e["organisation_id"], e["action"]) for e in entries] == [
        ("hvo-querido", "list placement requests"),
        ("ggd-amsterdam-vangnet", "read placement request"),
    ]
    assert entries[1]["subject"] == created["id"] and entries[1]["role"] == "ggd" and entries[1]["purpose"]
    assert [e["organisation_id"] for e in only_ggd.json()] == ["ggd-amsterdam-vangnet"]
    assert by_ggd.status_code == 403 and anonymous.status_code == 401


TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


async def test_the_audit_names_the_person_and_the_requests_trace(tmp_path, clock):
    issuer = IssuerServer().start()
    try:
        settings = PlacementSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/p.db", oidc_issuer=issuer.issuer)
        app = create_app(build_runtime(settings, bus=InMemoryBus(), clock=clock))
        worker = issuer.claims(clock.now(), "ggd-amsterdam-vangnet", "ggd", name="Sanne de Vries", employee_number="GGD-0417")
        system = issuer.claims(clock.now(), "hvo-querido", "shelter")
        async with running(app) as client:
            person = {"Authorization": f"Bearer {issuer.sign(worker)}"}
            created = (await client.post("/v1/requests", json=FAMILY, headers=person)).json()
            read = await client.get(
                f"/v1/requests/{created['id']}", headers={**person, "traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}
            )
            untraced = await client.get("/v1/waitlist", headers=person)
            await client.get("/v1/requests", headers={"Authorization": f"Bearer {issuer.sign(system)}"})
            log = (await client.get("/v1/audit", headers=key("functionaris-gegevensbescherming"))).json()
            by_person = (await client.get(f"/v1/audit?person={worker['sub']}", headers=key("functionaris-gegevensbescherming"))).json()
    finally:
        issuer.stop()
    listed, waitlist, one = log
    assert read.headers["X-Trace-Id"] == TRACE
    assert (one["action"], one["subject"], one["trace_id"]) == ("read placement request", created["id"], TRACE)
    assert (one["caller_subject"], one["caller_kind"], one["caller_name"], one["caller_employee_number"]) == (
        worker["sub"], "person", "Sanne de Vries", "GGD-0417"
    )
    assert (one["organisation_id"], one["role"]) == ("ggd-amsterdam-vangnet", "ggd")
    assert waitlist["action"] == "read waiting list" and waitlist["trace_id"] == untraced.headers["X-Trace-Id"] != TRACE
    assert (listed["caller_subject"], listed["caller_kind"], listed["caller_name"]) == ("hvo-querido", "system", None)
    assert [entry["action"] for entry in by_person] == ["read waiting list", "read placement request"]
