"""The inbox, acknowledgements and escalation on a FakeClock (in-memory bus, SQLite)."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import FakeClock
from shared.contracts import event_types, topics
from shared.contracts.envelope import decode
from shared.contracts.events.triage import Priority
from shared.runtime import build_runtime
from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from tests.support.apps import key, running
from tests.support.wait import wait_for
from tests.unit.notifications.support import PartnerEndpoint
from tests.support.events import alert_event, publish
from tests.support.problems import refusal

WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FRIDAY_3PM_AMSTERDAM = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
GGD = "ggd-amsterdam-vangnet"
TEAM = "vroeg-eropaf-amsterdam"
FALLBACK_URL = "https://ketenregie.example/hooks"


@pytest.fixture
def clock():
    return FakeClock(WEDNESDAY)


@pytest.fixture
def partner():
    return PartnerEndpoint()


@pytest.fixture
def app(tmp_path, bus, clock, partner):
    settings = NotificationsSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/n.db",
        escalation_check_interval_seconds=3600,  # the test calls the check itself, at moments it chooses
        retry_first_delay_seconds=0.01,
    )
    return create_app(build_runtime(settings, bus=bus, clock=clock), transport=partner.transport())


async def inbox(client, organisation, **params) -> list[dict]:
    response = await client.get("/v1/inbox", params=params, headers=key(organisation))
    assert response.status_code == 200, response.text
    return response.json()


async def arrived(client, organisation, event) -> dict:
    async def probe():
        return [item for item in await inbox(client, organisation) if item["alert_id"] == str(event.data.alert_id)]

    [item] = await wait_for(probe, what=f"alert in the inbox of {organisation}")
    return item


def published(bus, event_type) -> list:
    return [e for e in (decode(r.value) for r in bus.records(topics.DELIVERIES)) if e.type == event_type]


async def test_the_inbox_shows_own_alerts_newest_first_whether_subscribed_or_not(app, bus, clock):
    async with running(app) as client:
        older = alert_event(TEAM, clock.now(), priority=Priority.NORMAL)
        newer = alert_event(TEAM, clock.advance(minutes=5), priority=Priority.NORMAL)
        elsewhere = alert_event(GGD, clock.now())
        for event in (older, newer, elsewhere):
            await publish(bus, event)
        await arrived(client, GGD, elsewhere)
        await arrived(client, TEAM, older)
        items = await inbox(client, TEAM)
    assert [item["alert_id"] for item in items] == [str(newer.data.alert_id), str(older.data.alert_id)]
    first = items[0]
    assert first["case_key"] == newer.subject and first["priority"] == "normal" and first["kind"] == "prevention"
    assert first["event"]["id"] == str(newer.id) and first["event"]["data"]["minors"] == 1, "what a webhook would get"
    assert first["acknowledged_at"] is None and first["escalated_to"] is None
    assert first["acknowledgement_due"] == "2026-11-27T09:05:00Z", "two working days later"


async def test_acknowledging_records_who_and_when_and_announces_it_once(app, bus, clock):
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        clock.advance(minutes=10)
        url = f"/v1/inbox/{event.data.alert_id}/acknowledge"
        first = await client.post(url, json={"acknowledged_by": "mw-0417"}, headers=key(GGD))
        clock.advance(minutes=1)
        again = await client.post(url, headers=key(GGD))
        unacknowledged = await inbox(client, GGD, unacknowledged="true")
        [announced] = await wait_for(lambda: _async(published(bus, event_types.ALERT_ACKNOWLEDGED)), what="alert.acknowledged")
    assert first.status_code == again.status_code == 200, first.text
    assert first.json()["acknowledged_at"] == "2026-11-25T09:10:00Z"
    assert first.json()["acknowledged_by"] == GGD and first.json()["acknowledged_by_worker"] == "mw-0417"
    assert again.json() == first.json(), "the first acknowledgement stands"
    assert unacknowledged == []
    assert announced.subject == event.subject
    data = announced.data
    assert (data.alert_id, data.event_id, data.recipient, data.acknowledged_by) == (event.data.alert_id, event.id, GGD, GGD)
    assert "mw-0417" not in announced.envelope.model_dump_json(), "the worker id stays in notifications"


async def test_other_organisations_cannot_see_or_acknowledge_an_alert(app, bus, clock):
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        foreign = await client.post(f"/v1/inbox/{event.data.alert_id}/acknowledge", headers=key("ggd-utrecht"))
        missing = await client.post("/v1/inbox/00000000-0000-4000-8000-000000000000/acknowledge", headers=key(GGD))
        assert await inbox(client, "ggd-utrecht") == []
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)


@pytest.mark.parametrize("label", ["Jan Jansen", "jan@ggd.nl", "x" * 41])
async def test_a_worker_label_that_looks_like_personal_data_gets_400_naming_it(app, bus, clock, label):
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        response = await client.post(
            f"/v1/inbox/{event.data.alert_id}/acknowledge", json={"acknowledged_by": label}, headers=key(GGD)
        )
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["loc"] == ["body", "acknowledged_by"]


async def test_an_urgent_alert_unacknowledged_for_an_hour_goes_to_the_fallback_once(app, bus, clock, partner):
    escalations = app.state.escalations
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        subscribed = await client.post(
            "/v1/subscriptions", json={"callback_url": FALLBACK_URL, "event_types": ["alert.escalated"]}, headers=key("ketenregie")
        )
        partner.secrets[FALLBACK_URL] = subscribed.json()["secret"]
        await publish(bus, event)
        await arrived(client, GGD, event)

        clock.advance(minutes=59, seconds=59)
        assert await escalations.check(clock.now()) == 0
        assert await inbox(client, "ketenregie") == []
        escalated_at = clock.advance(seconds=1)
        assert await escalations.check(clock.now()) == 1

        item = await arrived(client, "ketenregie", event)
        [delivered] = await wait_for(lambda: _async(partner.effects), what="escalation delivered to the fallback's webhook")
        clock.advance(days=3)
        assert await escalations.check(clock.now()) == 0, "escalates once"
        own = await arrived(client, GGD, event)
        [announced] = await wait_for(lambda: _async(published(bus, event_types.ALERT_ESCALATED)), what="alert.escalated")
    assert item["escalated_to"] == "ketenregie" and item["escalated_at"] == escalated_at.isoformat().replace("+00:00", "Z")
    assert own["escalated_to"] == "ketenregie", "recorded on the alert, visible to the team too"
    assert delivered["type"] == event_types.ALERT_ESCALATED and delivered["id"] == str(announced.id)
    data = announced.data
    assert (data.alert_id, data.recipient, data.escalated_to, data.priority) == (event.data.alert_id, GGD, "ketenregie", Priority.URGENT)
    assert data.acknowledgement_due == WEDNESDAY + timedelta(hours=1)


async def test_an_acknowledged_alert_never_escalates(app, bus, clock):
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        clock.advance(minutes=30)
        assert (await client.post(f"/v1/inbox/{event.data.alert_id}/acknowledge", headers=key(GGD))).status_code == 200
        clock.advance(days=10)
        assert await app.state.escalations.check(clock.now()) == 0
        assert (await arrived(client, GGD, event))["escalated_at"] is None


async def test_a_prevention_alert_raised_on_friday_escalates_on_tuesday(app, bus, clock):
    clock.set(FRIDAY_3PM_AMSTERDAM)
    event = alert_event(TEAM, clock.now(), priority=Priority.NORMAL)
    async with running(app) as client:
        await publish(bus, event)
        assert (await arrived(client, TEAM, event))["acknowledgement_due"] == "2026-12-01T14:00:00Z"
        clock.set(datetime(2026, 12, 1, 13, 59, 59, tzinfo=UTC))  # Tuesday 14:59:59 in Amsterdam
        assert await app.state.escalations.check(clock.now()) == 0
        clock.advance(seconds=1)
        assert await app.state.escalations.check(clock.now()) == 1
        item = await arrived(client, "ketenregie", event)
    assert item["escalated_to"] == "ketenregie" and item["recipient"] == TEAM


async def test_the_fallback_may_acknowledge_what_was_escalated_to_it(app, bus, clock):
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        clock.advance(hours=2)
        await app.state.escalations.check(clock.now())
        response = await client.post(
            f"/v1/inbox/{event.data.alert_id}/acknowledge", json={"acknowledged_by": "duty-7"}, headers=key("ketenregie")
        )
        [announced] = await wait_for(lambda: _async(published(bus, event_types.ALERT_ACKNOWLEDGED)), what="acknowledged")
    assert response.status_code == 200 and response.json()["acknowledged_by"] == "ketenregie"
    assert announced.data.acknowledged_by == "ketenregie" and announced.data.recipient == GGD


async def test_the_timer_worker_escalates_on_its_own(tmp_path, bus, clock):
    settings = NotificationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/w.db", escalation_check_interval_seconds=0.02)
    app = create_app(build_runtime(settings, bus=bus, clock=clock))
    event = alert_event(GGD, clock.now())
    async with running(app) as client:
        await publish(bus, event)
        await arrived(client, GGD, event)
        clock.advance(hours=1)
        await arrived(client, "ketenregie", event)


def test_an_unknown_fallback_organisation_refuses_to_start(tmp_path, bus, clock):
    settings = NotificationsSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", escalation_fallback={"*": "ggd-duty-officer"}
    )
    with pytest.raises(ValueError, match="ggd-duty-officer"):
        create_app(build_runtime(settings, bus=bus, clock=clock))


async def _async(value):
    """wait_for polls an async probe; this one hands back a value the lambda computed."""
    return value


async def test_reading_the_inbox_and_acknowledging_are_audited(app, bus, clock):
    async with running(app) as client:
        event = alert_event(GGD, clock.now())
        await publish(bus, event)
        await arrived(client, GGD, event)
        acknowledged = await client.post(
            f"/v1/inbox/{event.data.alert_id}/acknowledge", json={"acknowledged_by": "mw-0417"}, headers=key(GGD)
        )
        log = (await client.get("/v1/audit", headers=key("functionaris-gegevensbescherming"))).json()
    assert acknowledged.status_code == 200, acknowledged.text
    assert log[0]["action"] == "acknowledge alert" and log[0]["subject"] == event.subject
    assert {entry["action"] for entry in log[1:]} == {"list inbox alerts"}
    assert all(entry["organisation_id"] == GGD and entry["trace_id"] for entry in log)
