"""Placement's retention: a request that ended or was withdrawn goes, with its declines,
GGD's notes and the withdrawal, 12 months after it ended; open requests stay; the deletion
log says how many, by which rule; the facilities' figures survive."""

from __future__ import annotations

from shared.contracts import event_types
from shared.retention import run_retention
from services.placement.app import create_app
from services.placement.retention import RETENTION_JOB, placement_sweeps
from services.placement.tables import CaseRegion
from tests.support.apps import key, running
from tests.support.placement import FAMILY, GGD, HVO, UNITS, FromTriage, full_except, make_runtime, post_request, published
from tests.support.triage_cases import assessed_case
from tests.support.wait import wait_for

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


async def test_a_cases_region_goes_when_triage_has_not_assessed_it_for_24_months(app, bus, runtime, clock):
    """A GGD names a case of its own region by the region placement learned from triage. Once
    triage has not assessed the case for 24 months (and so deleted it), nor placement holds a
    request of it, the region goes too: the case can no longer be named, the log says so."""
    sweeps = placement_sweeps(12, case_region_months=24)
    async with running(app) as client:
        idle = await assessed_case(bus, runtime, "0363", clock.now())
        seen_again = await assessed_case(bus, runtime, "0363", clock.now())
        with_request = await assessed_case(bus, runtime, "0363", clock.now())
        asked = await client.post("/v1/requests", json={**FAMILY, "case_key": with_request}, headers=key(GGD))
        assert asked.status_code == 201, asked.text
        clock.advance(days=365)
        await assessed_case(bus, runtime, "0363", clock.now(), case_key=seen_again)  # a new signal a year on
        await wait_for(lambda: assessed_since(runtime, seen_again, clock.now()), what="the new assessment noted")
        clock.advance(days=366)  # the first assessments are 24 months old, the second 12

        assert await run_retention(runtime.sessions, RETENTION_JOB, sweeps, clock.now()) == 1
        named_idle = await client.post("/v1/requests", json={**FAMILY, "case_key": idle}, headers=key(GGD))
        named_again = await client.post("/v1/requests", json={**FAMILY, "case_key": seen_again}, headers=key(GGD))
        log = (await client.get("/v1/retention/deletions", headers=OFFICER)).json()

    assert named_idle.status_code == 404 and named_idle.json()["detail"] == "no such case"
    assert named_again.status_code == 201, named_again.text
    assert await region(runtime, with_request) is not None, "its request is still kept"
    assert [(d["rule"], d["kind"], d["cases"], d["rows"]) for d in log] == [("case_idle_24_months", "case_region", 1, 1)]


async def region(runtime, case_key: str):
    async with runtime.sessions() as session:
        return await session.get(CaseRegion, case_key)


async def assessed_since(runtime, case_key: str, moment) -> bool:
    found = await region(runtime, case_key)
    return found is not None and found.assessed_at >= moment
