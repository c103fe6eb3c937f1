"""GET /v1/signals: the caller's own signals, newest first, for the corporation's portal."""

import pytest

from shared.bus.memory import InMemoryBus
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import key, running, unit_runtime


def row(n: int, signal_type: str = "arrears.reported") -> dict:
    body = {"type": signal_type, "address": {"adresseerbaarObjectIdentificatie": f"036301000099{n:04d}"}, "observed_on": "2026-11-01"}
    if signal_type == "arrears.reported":
        body.update(months=2, amount_eur="900.00")
    else:
        body.update(eviction_date="2026-12-20")
    return body


@pytest.fixture
def app(tmp_path, clock):
    return create_app(unit_runtime(ArrearsSettings, tmp_path, InMemoryBus(), clock))


async def test_own_signals_newest_first_with_paging_type_filter_and_reference(app, clock):
    async with running(app) as client:
        posted = []
        for n, signal_type in enumerate(["arrears.reported", "eviction.scheduled", "arrears.reported", "arrears.reported"]):
            headers = {**key("ymere"), "Idempotency-Key": f"row-{n}"}
            posted.append((await client.post("/v1/signals", json=row(n, signal_type), headers=headers)).json()["id"])
            clock.advance(minutes=1)
        await client.post("/v1/signals", json=row(9), headers=key("eigen-haard"))

        everything = (await client.get("/v1/signals", headers=key("ymere"))).json()
        page = (await client.get("/v1/signals", params={"limit": 2, "offset": 1}, headers=key("ymere"))).json()
        arrears = (await client.get("/v1/signals", params={"type": "arrears.reported"}, headers=key("ymere"))).json()
        police = (await client.get("/v1/signals", headers=key("politie-amsterdam"))).json()
    assert [item["id"] for item in everything["items"]] == posted[::-1]
    assert everything["total"] == 4 and everything["limit"] == 50 and everything["offset"] == 0
    assert [item["reference"] for item in everything["items"]] == ["row-3", "row-2", "row-1", "row-0"]
    assert {item["status"] for item in everything["items"]} <= {"received", "forwarded"}
    assert [item["id"] for item in page["items"]] == posted[::-1][1:3] and page["total"] == 4
    assert [item["id"] for item in arrears["items"]] == [posted[3], posted[2], posted[0]] and arrears["total"] == 3
    assert police == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_bad_paging_or_type_is_a_400_naming_the_parameter_and_others_may_not_list(app):
    async with running(app) as client:
        bad_type = await client.get("/v1/signals", params={"type": "arrears.forgiven"}, headers=key("ymere"))
        bad_limit = await client.get("/v1/signals", params={"limit": 0}, headers=key("ymere"))
        outsider = await client.get("/v1/signals", headers=key("functionaris-gegevensbescherming"))
        anonymous = await client.get("/v1/signals")
    assert bad_type.status_code == 400 and bad_type.json()["invalid-params"][0]["loc"] == ["query", "type"]
    assert bad_limit.status_code == 400 and bad_limit.json()["invalid-params"][0]["loc"] == ["query", "limit"]
    assert outsider.status_code == 403 and anonymous.status_code == 401


async def test_the_list_and_the_single_status_agree(app):
    async with running(app) as client:
        signal_id = (await client.post("/v1/signals", json=row(1), headers=key("ymere"))).json()["id"]
        [listed] = (await client.get("/v1/signals", headers=key("ymere"))).json()["items"]
        single = (await client.get(f"/v1/signals/{signal_id}", headers=key("ymere"))).json()
    if listed["status"] != single["status"]:  # the relay may forward it between the two reads
        listed["status"], listed["forwarded_at"] = single["status"], single["forwarded_at"]
    assert listed == single
