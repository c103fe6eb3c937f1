"""The intake over HTTP: validation, publication without the address, idempotency, group commit."""

import asyncio
from datetime import date


from shared.contracts import event_types
from shared.contracts.envelope import decode
from tests.support.apps import key, running
from tests.support.intake import FAMILY_DWELLING, arrears_body
from tests.support.metrics import parse
from tests.support.wait import wait_for
from tests.support.problems import refusal


async def published_signals(bus):
    return bus.records("signals")


async def test_posted_arrears_is_accepted_and_published_without_the_address(app, bus):
    async with running(app) as client:
        response = await client.post("/v1/signals", json=arrears_body(), headers=key("ymere"))
        assert response.status_code == 202, response.text
        signal_id = response.json()["id"]
        [record] = await wait_for(lambda: published_signals(bus), what="signal on the bus")
    event = decode(record.value)
    assert str(event.id) == signal_id
    assert event.type == event_types.ARREARS_REPORTED
    assert event.envelope.source == "urn:nld:kvk:90000001:systeem:incasso"
    assert record.key.decode() == event.subject and event.subject.startswith("hh-")
    assert event.data.municipality_code == "0363" and event.data.months == 2
    assert FAMILY_DWELLING.encode() not in record.value and b"1069JD" not in record.value


async def test_status_shows_own_signal_forwarded_and_hides_it_from_others(app, bus):
    async with running(app) as client:
        signal_id = (await client.post("/v1/signals", json=arrears_body(), headers=key("ymere"))).json()["id"]
        await wait_for(lambda: published_signals(bus))

        async def forwarded():
            body = (await client.get(f"/v1/signals/{signal_id}", headers=key("ymere"))).json()
            return body["status"] == "forwarded" and body

        status = await wait_for(forwarded, what="forwarded status")
        assert status["type"] == "arrears.reported"
        other = await client.get(f"/v1/signals/{signal_id}", headers=key("eigen-haard"))
        missing = await client.get("/v1/signals/00000000-0000-4000-8000-000000000000", headers=key("eigen-haard"))
    assert other.status_code == missing.status_code == 404
    assert refusal(other) == refusal(missing)


async def test_invalid_field_gets_400_naming_it_and_nothing_is_published(app, bus):
    async with running(app) as client:
        response = await client.post("/v1/signals", json=arrears_body(months=0), headers=key("ymere"))
    assert response.status_code == 400
    [error] = response.json()["invalid-params"]
    assert error["loc"] == ["body", "arrears.reported", "months"]
    assert "greater than or equal to 1" in error["reason"]
    assert bus.records("signals") == []


async def test_unknown_signal_type_gets_400_on_type_and_nothing_is_published(app, bus):
    async with running(app) as client:
        response = await client.post("/v1/signals", json=arrears_body(type="arrears.forgiven"), headers=key("ymere"))
    assert response.status_code == 400
    [error] = response.json()["invalid-params"]
    assert error["loc"] == ["body", "type"]
    assert "arrears.reported" in error["reason"] and "arrears.forgiven" not in error["reason"], "names the choices, never echoes (issue 11)"
    assert "1069JD" not in response.text, "the 400 body must not echo the address back"
    assert bus.records("signals") == []


async def test_malformed_bag_id_is_named(app):
    body = arrears_body(address={"adresseerbaarObjectIdentificatie": "0363-12"})
    async with running(app) as client:
        response = await client.post("/v1/signals", json=body, headers=key("ymere"))
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["loc"] == ["body", "arrears.reported", "address", "adresseerbaarObjectIdentificatie"]


async def test_police_may_report_a_family_found_but_not_arrears(app, bus):
    found = arrears_body(type="eviction.family-found", adults=2, children_ages=[4, 9])
    for field in ("months", "amount_eur"):
        found.pop(field)
    async with running(app) as client:
        denied = await client.post("/v1/signals", json=arrears_body(), headers=key("politie-amsterdam"))
        allowed = await client.post("/v1/signals", json=found, headers=key("politie-amsterdam"))
        no_key = await client.post("/v1/signals", json=found)
        prevention = await client.post("/v1/signals", json=found, headers=key("vroeg-eropaf-amsterdam"))
    assert denied.status_code == 403 and "arrears.reported" in denied.json()["detail"]
    assert allowed.status_code == 202
    assert no_key.status_code == 401
    assert prevention.status_code == 403


async def test_same_idempotency_key_returns_the_first_signal(app, bus):
    headers = {**key("ymere"), "Idempotency-Key": "ymere-batch-2026-11-row-17"}
    async with running(app) as client:
        first = await client.post("/v1/signals", json=arrears_body(), headers=headers)
        second = await client.post("/v1/signals", json=arrears_body(), headers=headers)
        await wait_for(lambda: published_signals(bus))
    assert first.status_code == 202 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert len(bus.records("signals")) == 1


async def test_health_and_metrics_for_operators(app, bus):
    async with running(app) as client:
        assert (await client.get("/health/live")).status_code == 200
        assert (await client.get("/health/ready")).json()["checks"] == {"database": True, "workers": True, "dependencies": True}
        await client.post("/v1/signals", json=arrears_body(), headers=key("ymere"))

        async def drained():
            metrics = parse(await client.get("/metrics"))
            sent, backlog = metrics.value("signaalketen_outbox_published_total"), metrics.value("signaalketen_outbox_backlog")
            return sent == 1 and backlog == 0 and metrics  # published, then marked sent: both, eventually

        metrics = await wait_for(drained, what="outbox drained")
    assert metrics.total("signaalketen_dead_letters_total") == 0
    assert metrics.value("signaalketen_events_produced_total", topic="signals") == 1
    assert metrics.value("signaalketen_http_requests_total", method="POST", route="/v1/signals", status_class="2xx") == 1
    assert metrics.value("signaalketen_holds") == 0 and metrics.total("signaalketen_consumer_lag") == 0


async def test_concurrent_posts_share_commits_yet_each_key_gets_exactly_one_signal(app, bus):
    """Posts arriving together are committed together (group commit); a repeated
    Idempotency-Key among them still answers the one signal stored for it."""
    runtime = app.state.runtime
    async with running(app) as client:

        async def post(n: int):
            headers = {**key("ymere"), "Idempotency-Key": f"run-7-row-{n % 10}"}
            return await client.post("/v1/signals", json=arrears_body(months=2 + n % 10), headers=headers)

        responses = await asyncio.gather(*(post(n) for n in range(40)))
        assert {response.status_code for response in responses} <= {200, 202}
        ids_per_key: dict[int, set[str]] = {}
        for n, response in enumerate(responses):
            ids_per_key.setdefault(n % 10, set()).add(response.json()["id"])
        assert all(len(ids) == 1 for ids in ids_per_key.values()), "one signal per Idempotency-Key"
        records = await wait_for(lambda: _at_least(bus, 10), what="ten signals on the bus")
    assert sorted(str(decode(record.value).id) for record in records) == sorted(ids.pop() for ids in ids_per_key.values())
    assert runtime.writes.transactions < 40


async def _at_least(bus, count):
    records = bus.records("signals")
    return records if len(records) >= count else None


async def test_an_outcome_may_name_the_date_its_eviction_was_set_for_and_the_event_carries_it(app, bus):
    """The monitor counts an eviction's outcome in the eviction's period: a cancellation on
    28 November of an eviction set for 2 December counts in December."""
    address = {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING}
    cancelled = {"type": "eviction.cancelled", "address": address, "observed_on": "2026-11-28", "eviction_date": "2026-12-02"}
    executed = {"type": "eviction.executed", "address": address, "observed_on": "2026-11-28", "outcome": "paid_at_door"}
    async with running(app) as client:
        for body in (cancelled, executed):
            response = await client.post("/v1/signals", json=body, headers=key("deurwaarder-amsterdam"))
            assert response.status_code == 202, response.text
        records = await wait_for(lambda: _at_least(bus, 2), what="both outcomes on the bus")
    dates = {decode(record.value).type: decode(record.value).data.eviction_date for record in records}
    assert dates == {event_types.EVICTION_CANCELLED: date(2026, 12, 2), event_types.EVICTION_EXECUTED: None}
