"""Placement's retention: a request that ended or was withdrawn goes, with its declines,
GGD's notes and the withdrawal, 12 months after it ended; open requests stay; the deletion
log says how many, by which rule; the facilities' figures survive."""

from __future__ import annotations

from shared.contracts import event_types
from shared.retention import run_retention
from services.placement.app import create_app
from services.placement.retention import RETENTION_JOB, placement_sweeps
from tests.support.apps import key, running
from tests.support.placement import GGD, HVO, UNITS, FromTriage, full_except, make_runtime, post_request, published

OFFICER = key("functionaris-gegevensbescherming")


async def test_ended_and_withdrawn_requests_go_after_their_time_and_open_ones_stay(tmp_path, bus, clock):
    runtime = make_runtime(tmp_path, bus, clock)
    triage = FromTriage(bus, clock)
    sweeps = placement_sweeps(12)
    async with running(create_app(runtime)) as client:
        await full_except(runtime, {UNITS: 1})
        placed = await post_request(client)
        assert (await client.post(f"/v1/requests/{placed['id']}/confirm", headers=key(HVO))).status_code == 200
        withdrawn = await triage.request()
        await published(bus, event_types.PLACEMENT_WAITLISTED, withdrawn)
        note = {"kind": "with_relatives", "note": "slaapt bij zus Jansen"}
        assert (await client.post(f"/v1/requests/{withdrawn}/alternative", json=note, headers=key(GGD))).status_code == 201
        await triage.withdraw(withdrawn)
        await published(bus, event_types.PLACEMENT_WITHDRAWAL_HANDLED, withdrawn)
        waiting = await post_request(client)
        clock.advance(days=30)
        ended = await client.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "contingent_dwelling"}, headers=key(HVO))
        assert ended.status_code == 200, ended.text
        before = await facility(client)

        clock.advance(days=340)  # the withdrawal is 12 months old, the end not yet
        assert await run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now()) == 3
        gone_first = await client.get(f"/v1/requests/{withdrawn}", headers=key(GGD))
        still_there = await client.get(f"/v1/requests/{placed['id']}", headers=key(GGD))
        clock.advance(days=31)
        assert await run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now()) == 1
        assert await run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now()) == 0
        gone_later = await client.get(f"/v1/requests/{placed['id']}", headers=key(GGD))
        open_request = await client.get(f"/v1/requests/{waiting['id']}", headers=key(GGD))
        after = await facility(client)
        log = await client.get("/v1/retention/deletions", headers=OFFICER)
        denied = await client.get("/v1/retention/deletions", headers=key(GGD))

    assert gone_first.status_code == 404 and still_there.status_code == 200
    assert gone_later.status_code == 404
    assert open_request.status_code == 200 and open_request.json()["status"] == "offered", "the freed unit went to it"
    assert (after["capacity"], after["occupied"]) == (before["capacity"], before["occupied"])
    assert denied.status_code == 403
    lines = [(d["job"], d["rule"], d["kind"], d["cases"], d["rows"]) for d in log.json()]
    assert lines == [
        ("placement-retention", "request_ended_12_months", "request", 1, 1),
        ("placement-retention", "request_ended_12_months", "request", 1, 1),
        ("placement-retention", "request_ended_12_months", "withdrawal", 1, 1),
        ("placement-retention", "request_ended_12_months", "alternative", 1, 1),
    ], "newest first; only kinds with rows are logged"
    assert "Jansen" not in log.text


async def facility(client) -> dict:
    [found] = [f for f in (await client.get("/v1/facilities", headers=key(GGD))).json() if f["id"] == UNITS]
    return found
