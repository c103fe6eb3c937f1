"""The intake takes the other actors' signals: a report of concern from the municipality,
police or a care team; the corporation's contact attempts; a relapse after housing support
from the corporation or the shelter that gives the support. Codes only go on the bus."""

from shared.contracts import event_types
from shared.contracts.envelope import decode
from tests.support.apps import key, running
from tests.support.intake import FAMILY_DWELLING
from tests.support.wait import wait_for

ADDRESS = {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING}
CONCERN = {"type": "concern.reported", "address": ADDRESS, "observed_on": "2026-11-27", "concerns": ["nuisance", "care_avoidance"]}
CONTACT = {"type": "corporation.contact-attempted", "address": ADDRESS, "observed_on": "2026-11-27", "method": "call", "result": "not_reached"}
RELAPSE = {"type": "support.relapsed", "address": ADDRESS, "observed_on": "2026-11-27", "support_started_on": "2025-03-01"}


async def post(client, body, organisation):
    return await client.post("/v1/signals", json=body, headers=key(organisation))


async def test_who_may_post_the_other_actors_signals(app, bus):
    allowed = [
        (CONCERN, "gemeente-amsterdam"), (CONCERN, "politie-amsterdam"), (CONCERN, "ggd-amsterdam-vangnet"),
        (CONCERN, "meldpunt-zorg-overlast-amsterdam"), (CONCERN, "ymere"), (CONTACT, "ymere"),
        (RELAPSE, "ymere"), (RELAPSE, "hvo-querido"),
    ]  # fmt: skip
    refused = [(CONTACT, "gemeente-amsterdam"), (RELAPSE, "politie-amsterdam"), (CONCERN, "deurwaarder-amsterdam"), (CONCERN, "hvo-querido")]
    async with running(app) as client:
        for body, organisation in allowed:
            answer = await post(client, body, organisation)
            assert answer.status_code == 202, (organisation, answer.text)
        for body, organisation in refused:
            answer = await post(client, body, organisation)
            assert answer.status_code == 403, (organisation, answer.text)
            assert body["type"] in answer.json()["detail"]
        records = await wait_for(lambda: _when(len(bus.records("signals")) == len(allowed), bus), what="all on the bus")
    events = [decode(record.value) for record in records]
    assert sorted({event.type for event in events}) == sorted(
        {event_types.CONCERN_REPORTED, event_types.CONTACT_ATTEMPTED, event_types.SUPPORT_RELAPSED}
    )
    concern = next(event for event in events if event.type == event_types.CONCERN_REPORTED)
    assert [c.value for c in concern.data.concerns] == ["nuisance", "care_avoidance"]
    assert all(FAMILY_DWELLING.encode() not in record.value for record in records)


async def _when(ready: bool, bus):
    return bus.records("signals") if ready else []


async def test_bad_values_are_refused_naming_the_field(app, bus):
    async with running(app) as client:
        twice = await post(client, {**CONCERN, "concerns": ["neglect", "neglect"]}, "gemeente-amsterdam")
        none = await post(client, {**CONCERN, "concerns": []}, "gemeente-amsterdam")
        words = await post(client, {**CONCERN, "note": "father drinks"}, "gemeente-amsterdam")
        method = await post(client, {**CONTACT, "method": "pigeon"}, "ymere")
        later = await post(client, {**RELAPSE, "support_started_on": "2026-11-28"}, "ymere")
    for answer, field in ((twice, "concerns"), (none, "concerns"), (words, "note"), (method, "method"), (later, "support_started_on")):
        assert answer.status_code == 400, answer.text
        assert any(field in param["name"] for param in answer.json()["invalid-params"]), (field, answer.text)
    assert bus.records("signals") == []
