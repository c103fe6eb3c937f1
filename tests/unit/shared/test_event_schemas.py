"""CloudEvents NL GOV `dataschema` (docs/adr/0026): every event the chain publishes points
at the JSON Schema of its data, which every service serves without credentials, and the
data of the event passes that schema."""

from __future__ import annotations

import jsonschema

from shared.contracts.envelope import decode
from shared.contracts.events import REGISTRY
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from tests.support.apps import key, running, unit_runtime
from tests.support.problems import PROBLEM_JSON
from tests.support.wait import wait_for
from tests.support.intake import arrears_body

BASE = "http://127.0.0.1:8001/v1/event-schemas"


async def test_a_published_event_names_its_schema_and_its_data_passes_it(tmp_path, bus, clock):
    app = create_app(unit_runtime(ArrearsSettings, tmp_path, bus, clock))
    async with running(app) as client:
        assert (await client.post("/v1/signals", json=arrears_body(), headers=key("ymere"))).status_code == 202
        [record] = await wait_for(lambda: _signals(bus), what="signal on the bus")
        event = decode(record.value)
        assert event.envelope.dataschema == f"{BASE}/{event.type}"
        served = await client.get(event.envelope.dataschema.removeprefix("http://127.0.0.1:8001"))  # no credentials
        listed = await client.get("/v1/event-schemas")
        unknown = await client.get("/v1/event-schemas/nl.signaalketen.no-such.v1")
    assert served.status_code == 200 and served.headers["api-version"] == app.version
    schema = served.json()
    assert schema["$id"] == event.envelope.dataschema
    jsonschema.validate(event.envelope.data, schema)
    broken = {**event.envelope.data, "months": "two"}
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken), "the schema says something"
    assert listed.json() == {event_type: f"{BASE}/{event_type}" for event_type in sorted(REGISTRY)}
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM_JSON


async def _signals(bus):
    return bus.records("signals")
