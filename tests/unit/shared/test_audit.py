"""Every read of case or household data is in the audit log, and only the privacy
officer reads the log."""

import pytest

from shared.bus.memory import InMemoryBus
from shared.clock import FakeClock
from services.placement.app import create_app
from services.placement.settings import PlacementSettings
from tests.support.apps import key, running, unit_runtime

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
