"""POST /v1/signals/batch: a corporation's monthly run, each row judged on its own,
each row's `reference` its Idempotency-Key."""

import asyncio


from shared.contracts import event_types
from shared.contracts.envelope import decode
from services.arrears.intake import FORBIDDEN_TYPE
from services.arrears.schemas import MAX_BATCH
from tests.support.apps import key, running
from tests.support.intake import arrears_row, dwelling
from tests.support.metrics import parse
from tests.support.wait import wait_for

def family_found_row(n: int, reference: str | None = None) -> dict:
    row = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": dwelling(n)},
        "observed_on": "2026-11-28",
        "adults": 1,
        "children_ages": [2],
    }
    if reference is not None:
        row["reference"] = reference
    return row


async def drained(client, published: int):
    """Wait until the relay published exactly `published` events and has nothing left."""

    async def settled():
        metrics = parse(await client.get("/metrics"))
        backlog, sent = metrics.value("signaalketen_outbox_backlog"), metrics.value("signaalketen_outbox_published_total")
        return backlog == 0 and sent == published and metrics

    return await wait_for(settled, what=f"{published} events published and the outbox empty")


async def post_batch(client, rows, organisation="ymere"):
    return await client.post("/v1/signals/batch", json={"signals": rows}, headers=key(organisation))


async def test_valid_rows_are_accepted_and_invalid_rows_are_named_and_publish_nothing(app, bus):
    rows = [
        arrears_row(1, "run-2026-11-row-1"),
        arrears_row(2, "run-2026-11-row-2", months=0),  # below the minimum
        arrears_row(3),  # no reference: accepted, not idempotent
        arrears_row(4, "run-2026-11-row-4", address={"adresseerbaarObjectIdentificatie": "0363-12"}),
        arrears_row(5, "run-2026-11-row-5", type="arrears.forgiven"),
        arrears_row(6, "run-2026-11-row-6", eviction_date="2026-12-01"),  # not a field of arrears
    ]
    async with running(app) as client:
        response = await post_batch(client, rows)
        await drained(client, 2)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(row["index"], row["reference"], row["replayed"]) for row in body["accepted"]] == [
        (0, "run-2026-11-row-1", False),
        (2, None, False),
    ]
    rejected = {row["index"]: row for row in body["rejected"]}
    assert sorted(rejected) == [1, 3, 4, 5]
    assert rejected[1]["reference"] == "run-2026-11-row-2"
    [months] = rejected[1]["errors"]
    assert months["loc"] == ["body", "signals", 1, "arrears.reported", "months"]
    assert months["type"] == "greater_than_equal" and "greater than or equal to 1" in months["msg"]
    assert rejected[3]["errors"][0]["loc"][-2:] == ["address", "adresseerbaarObjectIdentificatie"]
    assert rejected[4]["errors"][0]["loc"] == ["body", "signals", 4, "type"]
    assert rejected[5]["errors"][0]["loc"] == ["body", "signals", 5, "arrears.reported", "eviction_date"]
    for row in body["rejected"]:
        assert set(row) == {"index", "reference", "errors"}
        for error in row["errors"]:
            assert {"loc", "msg", "type"} <= set(error) and "input" not in error and "url" not in error
    assert "1069JD" not in response.text and "0363-12" not in response.text, "never echo submitted data"

    published = {str(decode(record.value).id) for record in bus.records("signals")}
    assert published == {row["id"] for row in body["accepted"]}, "only the accepted rows reach the bus"


async def test_batch_rows_become_the_same_events_as_single_signals(app, bus):
    async with running(app) as client:
        response = await post_batch(client, [arrears_row(7, "row-7")])
        await drained(client, 1)
    [accepted] = response.json()["accepted"]
    [record] = bus.records("signals")
    event = decode(record.value)
    assert str(event.id) == accepted["id"]
    assert event.type == event_types.ARREARS_REPORTED
    assert event.envelope.source == "urn:nld:kvk:90000001:systeem:incasso"
    assert record.key.decode() == event.subject and event.subject.startswith("hh-")
    assert event.data.municipality_code == "0363" and event.data.months == 2
    assert dwelling(7).encode() not in record.value and b"1069JD" not in record.value


async def test_replaying_the_same_batch_publishes_nothing_new(app, bus):
    rows = [arrears_row(n, f"run-2026-11-row-{n}") for n in range(1, 6)] + [arrears_row(9, "bad", months=0)]
    async with running(app) as client:
        first = (await post_batch(client, rows)).json()
        await drained(client, 5)
        second = (await post_batch(client, rows)).json()
        metrics = parse(await client.get("/metrics"))
    assert [row["replayed"] for row in first["accepted"]] == [False] * 5
    assert [row["replayed"] for row in second["accepted"]] == [True] * 5
    assert [row["id"] for row in second["accepted"]] == [row["id"] for row in first["accepted"]]
    assert second["rejected"] == first["rejected"]
    assert metrics.value("signaalketen_outbox_backlog") == 0 and metrics.value("signaalketen_outbox_published_total") == 5
    assert len(bus.records("signals")) == 5


async def test_a_reference_repeated_within_one_batch_is_one_signal(app, bus):
    # The same body again (since issue 11 a different body under one reference is refused:
    # tests/unit/arrears/test_refusing_at_the_door.py).
    rows = [arrears_row(1, "same"), arrears_row(1, "same"), arrears_row(3, "other")]
    async with running(app) as client:
        body = (await post_batch(client, rows)).json()
        await drained(client, 2)
    first, repeat, other = body["accepted"]
    assert repeat["id"] == first["id"] and repeat["replayed"] and not first["replayed"]
    assert other["id"] != first["id"]
    assert len(bus.records("signals")) == 2


async def test_a_reference_is_the_same_key_as_the_single_endpoints_idempotency_key(app, bus):
    headers = {**key("ymere"), "Idempotency-Key": "ymere-2026-11-row-17"}
    async with running(app) as client:
        single = await client.post("/v1/signals", json=arrears_row(17), headers=headers)
        batch = (await post_batch(client, [arrears_row(17, "ymere-2026-11-row-17")])).json()
        other_org = (await post_batch(client, [arrears_row(17, "ymere-2026-11-row-17")], "eigen-haard")).json()
        await drained(client, 2)
    assert single.status_code == 202
    [replayed] = batch["accepted"]
    assert replayed["id"] == single.json()["id"] and replayed["replayed"]
    [own] = other_org["accepted"]
    assert own["id"] != single.json()["id"] and not own["replayed"], "references are per organisation"


async def test_role_rules_apply_per_row(app, bus):
    scheduled = {
        "type": "eviction.scheduled",
        "address": {"adresseerbaarObjectIdentificatie": dwelling(5)},
        "observed_on": "2026-11-20",
        "eviction_date": "2026-12-15",
        "reference": "b-2",
    }
    async with running(app) as client:
        police = (await post_batch(client, [arrears_row(1, "p-1"), family_found_row(2, "p-2")], "politie-amsterdam")).json()
        bailiff = (await post_batch(client, [arrears_row(4, "b-1"), scheduled], "deurwaarder-amsterdam")).json()
        await drained(client, 2)
    assert [row["index"] for row in police["accepted"]] == [1]
    [denied] = police["rejected"]
    assert denied["index"] == 0 and denied["reference"] == "p-1"
    assert denied["errors"] == [
        {"loc": ["body", "signals", 0, "type"], "msg": "a police may not post arrears.reported", "type": FORBIDDEN_TYPE, "ctx": None}
    ]
    assert [row["index"] for row in bailiff["accepted"]] == [1]
    assert [row["index"] for row in bailiff["rejected"]] == [0]
    assert len(bus.records("signals")) == 2


async def test_a_row_that_is_not_an_object_or_has_a_bad_reference_is_rejected_on_its_own(app, bus):
    rows = ["not a row", arrears_row(1, "x" * 101), arrears_row(2, "ok"), {"reference": "r-3"}]
    async with running(app) as client:
        body = (await post_batch(client, rows)).json()
        await drained(client, 1)
    assert [row["index"] for row in body["accepted"]] == [2]
    rejected = {row["index"]: row for row in body["rejected"]}
    assert rejected[0]["errors"][0]["loc"] == ["body", "signals", 0]
    assert rejected[1]["reference"] is None
    assert rejected[1]["errors"][0]["loc"] == ["body", "signals", 1, "reference"]
    assert rejected[3]["reference"] == "r-3" and rejected[3]["errors"][0]["loc"] == ["body", "signals", 3, "type"]


async def test_the_batch_itself_is_bounded_and_only_signallers_may_post_it(app, bus):
    async with running(app) as client:
        too_many = await post_batch(client, [arrears_row(1)] * (MAX_BATCH + 1))
        empty = await post_batch(client, [])
        privacy_officer = await post_batch(client, [arrears_row(1)], "functionaris-gegevensbescherming")
        prevention = await post_batch(client, [arrears_row(1)], "vroeg-eropaf-amsterdam")  # may post concerns, not arrears
        anonymous = await client.post("/v1/signals/batch", json={"signals": [arrears_row(1)]})
    assert too_many.status_code == empty.status_code == 400
    assert too_many.json()["invalid-params"][0]["loc"] == ["body", "signals"]
    assert privacy_officer.status_code == 403 and anonymous.status_code == 401
    [refused] = prevention.json()["rejected"]
    assert refused["errors"][0]["type"] == "signal_type_forbidden"
    assert bus.records("signals") == []


async def test_the_same_batch_posted_twice_at_once_stores_each_reference_once(app, bus):
    # Both requests find none of the references, both stage them; the later commit collides
    # on (organisation, reference), retries, and then answers the signals the other stored.
    rows = [arrears_row(n, f"parallel-{n}") for n in range(1, 21)]
    async with running(app) as client:
        first, second = await asyncio.gather(post_batch(client, rows), post_batch(client, rows))
        await drained(client, 20)
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert [row["id"] for row in first.json()["accepted"]] == [row["id"] for row in second.json()["accepted"]]
    assert len(bus.records("signals")) == 20
