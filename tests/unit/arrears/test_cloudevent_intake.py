"""Partners post a signal as a CloudEvent (HTTP binding, structured and binary mode) next to
today's JSON: judged exactly as that JSON, refused naming the field where it was written,
and `source` + `id` as the idempotency key."""

import json
from urllib.parse import quote

from shared.contracts import event_types
from shared.contracts.envelope import decode
from tests.support.apps import key, running
from tests.support.intake import arrears_body
from tests.support.problems import PROBLEM_JSON
from tests.support.wait import wait_for

STRUCTURED = "application/cloudevents+json"
YMERE_SOURCE = "urn:nld:kvk:90000001:systeem:incasso"


def arrears_data(**overrides) -> dict:
    data = arrears_body(**overrides)
    del data["type"]
    return data


def structured(event_id: str = "ymere-2026-11-0001", **overrides) -> dict:
    event = {
        "specversion": "1.0",
        "id": event_id,
        "source": YMERE_SOURCE,
        "type": event_types.ARREARS_REPORTED,
        "time": "2026-11-28T09:00:00Z",
        "datacontenttype": "application/json",
        "data": arrears_data(),
    }
    event.update(overrides)
    return event


def binary_headers(event_id: str = "ymere-2026-11-0002", **overrides) -> dict:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": event_id,
        "ce-source": quote(YMERE_SOURCE, safe=""),  # percent-encoded, as the HTTP binding allows
        "ce-type": event_types.ARREARS_REPORTED,
        "ce-time": "2026-11-28T09:00:00Z",
        "content-type": "application/json",
        **key("ymere"),
    }
    headers.update(overrides)
    return headers


async def post_structured(client, event: dict, **headers):
    return await client.post(
        "/v1/signals", content=json.dumps(event), headers={"content-type": STRUCTURED, **key("ymere"), **headers}
    )


async def post_binary(client, body, **headers):
    return await client.post("/v1/signals", content=body, headers=binary_headers(**headers))


def invalid_params(response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    return {param["name"]: param["reason"] for param in response.json()["invalid-params"]}


async def test_a_structured_cloudevent_is_accepted_and_published_like_a_json_body(app, bus):
    async with running(app) as client:
        response = await post_structured(client, structured())
        assert response.status_code == 202, response.text
        accepted = response.json()
        [record] = await wait_for(lambda: _signals(bus), what="signal on the bus")
        status = (await client.get(accepted["status_url"], headers=key("ymere"))).json()
    event = decode(record.value)
    assert str(event.id) == accepted["id"] and event.type == event_types.ARREARS_REPORTED
    assert event.data.months == 2 and event.data.municipality_code == "0363"
    assert status["type"] == "arrears.reported" and status["reference"] == f"{YMERE_SOURCE} ymere-2026-11-0001"


async def test_a_binary_cloudevent_is_accepted(app, bus):
    async with running(app) as client:
        response = await post_binary(client, json.dumps(arrears_data(months=3)))
        assert response.status_code == 202, response.text
        [record] = await wait_for(lambda: _signals(bus), what="signal on the bus")
    assert decode(record.value).data.months == 3


async def test_the_same_cloudevent_twice_is_one_signal_and_other_data_under_its_id_is_refused(app, bus):
    async with running(app) as client:
        first = await post_structured(client, structured())
        again = await post_structured(client, structured())
        changed = await post_structured(client, structured(data=arrears_data(months=5)))
        other_id = await post_structured(client, structured("ymere-2026-11-0099"))
    assert (first.status_code, again.status_code, other_id.status_code) == (202, 200, 202)
    assert again.json()["id"] == first.json()["id"] != other_id.json()["id"]
    assert changed.status_code == 422 and changed.json()["invalid-params"][0]["name"] == "id"
    assert len(bus.records("signals")) == 2


async def test_bad_data_is_refused_naming_the_field_where_it_was_written(app, bus):
    async with running(app) as client:
        in_structured = await post_structured(client, structured(data=arrears_data(months=0)))
        in_binary = await post_binary(client, json.dumps(arrears_data(months=0)))
        implausible = await post_structured(client, structured(data=arrears_data(observed_on="2031-01-01")))
    assert "greater than or equal to 1" in invalid_params(in_structured)["data.months"]
    assert "greater than or equal to 1" in invalid_params(in_binary)["months"]
    assert "data.observed_on" in invalid_params(implausible)
    assert bus.records("signals") == []


async def test_a_bad_envelope_is_refused_naming_the_attribute(app, bus):
    without_id = structured()
    del without_id["id"]
    async with running(app) as client:
        cases = [
            ("id", await post_structured(client, without_id)),
            ("type", await post_structured(client, structured(type="nl.signaalketen.arrears.forgiven.v1"))),
            ("specversion", await post_structured(client, structured(specversion="0.3"))),
            ("source", await post_structured(client, structured(source="urn:nld:kvk:90000001:\u0000"))),
            ("time", await post_structured(client, structured(time="yesterday"))),
            ("data.type", await post_structured(client, structured(data={**arrears_data(), "type": "arrears.resolved"}))),
            ("ce-type", await post_binary(client, b"{}", **{"ce-type": "arrears"})),
            ("ce-id", await post_binary(client, json.dumps(arrears_data()), **{"ce-id": "%00"})),  # NUL, percent-encoded
            ("body", await client.post("/v1/signals", content=b"{not json", headers={"content-type": STRUCTURED, **key("ymere")})),
            ("Idempotency-Key", await post_structured(client, structured(), **{"Idempotency-Key": "mine"})),
        ]
        other_organisation = await post_structured(client, structured(source="urn:nld:kvk:90000002:systeem:incasso"))
    for field, response in cases:
        assert field in invalid_params(response), (field, response.json())
    assert "your organisation" in invalid_params(other_organisation)["source"]
    assert bus.records("signals") == []


async def test_a_role_that_may_not_post_the_type_is_refused_as_for_json(app, bus):
    police = structured(source="urn:nld:oin:00000099000000000020:systeem:meldingen")
    async with running(app) as client:
        response = await client.post(
            "/v1/signals", content=json.dumps(police), headers={"content-type": STRUCTURED, **key("politie-amsterdam")}
        )
    assert response.status_code == 403, response.text
    assert bus.records("signals") == []


async def _signals(bus):
    return bus.records("signals")
