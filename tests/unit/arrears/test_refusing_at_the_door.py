"""What the intake refuses at the door (issue 11): implausible dates, control characters,
unbounded lengths, districts that are not codes of the municipality, and an
Idempotency-Key (or batch reference) reused with another body. Each refusal names the
field and why, never echoes what was sent, and in a batch costs only its own row."""

from __future__ import annotations

import pytest

from tests.support.apps import key, running

TODAY = "2026-11-28"  # the FakeClock's day
AMSTERDAM = {"adresseerbaarObjectIdentificatie": "0363010001004477"}


def arrears(**overrides) -> dict:
    return {"type": "arrears.reported", "observed_on": "2026-11-27", "months": 2, "amount_eur": "1450.00", "address": AMSTERDAM, **overrides}


def scheduled(eviction_date: str, **overrides) -> dict:
    return {"type": "eviction.scheduled", "observed_on": "2026-11-27", "eviction_date": eviction_date, "address": AMSTERDAM, **overrides}


async def post(app, body, organisation="ymere", **headers):
    async with running(app) as client:
        return await client.post("/v1/signals", json=body, headers={**key(organisation), **headers})


def problems(response) -> dict[tuple, str]:
    return {tuple(entry["loc"]): entry["type"] for entry in response.json()["invalid-params"]}


@pytest.mark.parametrize(
    "body, field, kind",
    [
        (arrears(observed_on="0001-01-01"), "observed_on", "date_out_of_range"),
        (arrears(observed_on="9999-12-31"), "observed_on", "date_out_of_range"),
        (arrears(observed_on="2026-12-05"), "observed_on", "date_implausible"),
        (arrears(observed_on="1990-06-01"), "observed_on", "date_implausible"),
        (scheduled("2100-01-01"), "eviction_date", "date_implausible"),
        (scheduled("1900-01-01"), "eviction_date", "date_implausible"),
        (scheduled("0001-01-01"), "eviction_date", "date_out_of_range"),
        (arrears(tenancy_start="2027-01-01"), "tenancy_start", "date_implausible"),
    ],
)
async def test_implausible_dates_are_refused_naming_the_field(app, body, field, kind):
    response = await post(app, body)
    assert response.status_code == 400, response.text
    assert problems(response).get(("body", body["type"], field), problems(response).get(("body", field))) == kind


async def test_a_history_row_may_be_decades_old_but_not_in_the_future(app, bus):
    old = await post(app, arrears(observed_on="2006-03-01", history=True))
    scheduled_then = await post(app, scheduled("2006-05-01", observed_on="2006-03-01", history=True))
    future = await post(app, arrears(observed_on="2027-03-01", history=True))
    assert old.status_code == scheduled_then.status_code == 202, old.text + scheduled_then.text
    assert future.status_code == 400
    assert all(record.value and b'"history":true' in record.value for record in bus.records("signals"))


async def test_control_characters_are_refused_everywhere_and_never_echoed(app):
    cancelled = {"type": "eviction.cancelled", "observed_on": "2026-11-27", "address": AMSTERDAM, "reason": "Jan\x00Jansen"}
    response = await post(app, cancelled, organisation="deurwaarder-amsterdam")
    assert response.status_code == 400
    [entry] = response.json()["invalid-params"]
    assert entry["loc"][-1] == "reason" and entry["type"] == "control_character"
    assert "Jansen" not in response.text


async def test_districts_are_codes_of_the_municipality(app):
    known = await post(app, arrears(district="nieuw-west"))
    free_text = await post(app, arrears(district="Fam. de Vries, Dapperstraat 12"))
    elsewhere = await post(app, arrears(district="overvecht"))  # a district of Utrecht
    assert known.status_code == 202
    assert free_text.status_code == elsewhere.status_code == 400
    assert "Vries" not in free_text.text
    [problem] = elsewhere.json()["invalid-params"]
    assert problem["loc"][-1] == "district" and problem["type"] == "district_unknown" and "nieuw-west" in problem["reason"]


async def test_an_idempotency_key_reused_with_another_body_is_a_conflict(app, bus):
    first = await post(app, arrears(), **{"Idempotency-Key": "ymere-17"})
    again = await post(app, arrears(), **{"Idempotency-Key": "ymere-17"})
    changed = await post(app, arrears(months=3), **{"Idempotency-Key": "ymere-17"})
    assert first.status_code == 202 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert changed.status_code == 422
    [problem] = changed.json()["invalid-params"]
    assert problem["loc"] == ["header", "Idempotency-Key"] and problem["type"] == "idempotency_key_conflict"
    assert len(bus.records("signals")) == 1


async def test_a_batch_refuses_only_its_bad_rows(app, bus):
    rows = [
        {**arrears(), "reference": "row-1"},
        {**arrears(), "reference": "spoilt\x00reference"},
        {**arrears(observed_on="9999-01-01"), "reference": "row-3"},
        {**arrears(months=5), "reference": "row-1"},  # row-1 again with another body
        {**arrears(district="Jansen"), "reference": "row-5"},
        {**arrears(months=4), "reference": "row-6"},
    ]
    async with running(app) as client:
        response = await client.post("/v1/signals/batch", json={"signals": rows}, headers=key("ymere"))
        later = await client.post("/v1/signals/batch", json={"signals": [{**arrears(months=9), "reference": "row-6"}]}, headers=key("ymere"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [row["index"] for row in body["accepted"]] == [0, 5]
    rejected = {row["index"]: row["errors"] for row in body["rejected"]}
    assert sorted(rejected) == [1, 2, 3, 4]
    assert rejected[1][0]["loc"] == ["body", "signals", 1, "reference"] and rejected[1][0]["type"] == "control_character"
    assert rejected[3] == [{
        "loc": ["body", "signals", 3, "reference"], "type": "idempotency_key_conflict",
        "msg": "reference was used before with a different body; use a new key for a new signal", "ctx": None,
    }]  # fmt: skip
    assert "Jansen" not in response.text and "spoilt" not in response.text, "nothing sent is echoed"
    assert later.json()["rejected"][0]["errors"][0]["type"] == "idempotency_key_conflict"


@pytest.mark.parametrize("field, value", [("reference", "r" * 101), ("district", "x" * 41)])
async def test_lengths_are_bounded(app, field, value):
    row = {**arrears(), field: value}
    async with running(app) as client:
        response = await client.post("/v1/signals/batch", json={"signals": [row]}, headers=key("ymere"))
    [rejected] = response.json()["rejected"]
    assert rejected["errors"][0]["loc"][-1] == field
