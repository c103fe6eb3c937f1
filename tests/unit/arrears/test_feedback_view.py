"""The corporation reads where its signal went, the outcome and the collection-suspension
window, never the household's details; the feedback may arrive before the routing."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from shared.bus.port import OutgoingRecord
from shared.clock import FakeClock
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.prevention import ContactMade, FinalReport, PreventionOutcome
from shared.contracts.events.triage import AlertKind, AlertRaised, AlertTrigger, Priority, Report
from shared.persistence.inbox import ProcessedEvent
from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from services.arrears.tables import SignalFeedback, SignalRouting
from tests.support.apps import key, running, unit_runtime
from tests.support.wait import wait_for

DWELLING = "0363010001004477"
TRIAGE = "urn:nld:oin:00000099000000000001:systeem:signaalketen-triage"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def runtime(tmp_path, bus):
    return unit_runtime(ArrearsSettings, tmp_path, bus, FakeClock())


@pytest.fixture
def app(runtime):
    return create_app(runtime)


def alert(signal_id, **overrides) -> AlertRaised:
    values = dict(
        alert_id=uuid.uuid4(), signal_id=signal_id, signal_type="arrears.reported", recipient="vroeg-eropaf-amsterdam",
        kind=AlertKind.PREVENTION, priority=Priority.NORMAL, due=NOW + timedelta(days=14), reason="two months",
        rule_id="ams-arrears-vroeg-eropaf", is_family=True, persons=4, minors=2, minor_ages=[3, 7],
        municipality_code="0363", intermediate_report_due=NOW + timedelta(days=14),
        final_report_due=NOW + timedelta(days=28), collection_suspended_until=date(2026, 12, 26),
    )  # fmt: skip
    return AlertRaised(**{**values, **overrides})


async def publish(bus, topic, data, subject):
    event = new_event(data, source=TRIAGE, subject=subject, time=NOW)
    await bus.publish([OutgoingRecord(topic, subject, encode(event))])


async def post_arrears(client, runtime) -> tuple[str, str]:
    body = {"type": "arrears.reported", "address": {"adresseerbaarObjectIdentificatie": DWELLING},
            "observed_on": "2026-11-27", "months": 2, "amount_eur": "1450.00"}  # fmt: skip
    signal_id = (await client.post("/v1/signals", json=body, headers=key("ymere"))).json()["id"]
    return signal_id, runtime.pseudonym(DWELLING)


async def status_when(client, signal_id, ready):
    async def probe():
        body = (await client.get(f"/v1/signals/{signal_id}", headers=key("ymere"))).json()
        return ready(body) and body

    return await wait_for(probe, what="signal status")


async def test_the_corporation_sees_the_outcome_and_the_suspension_window(app, bus, runtime):
    async with running(app) as client:
        signal_id, subject = await post_arrears(client, runtime)
        routed = alert(uuid.UUID(signal_id))
        await publish(bus, "alerts", routed, subject)
        body = await status_when(client, signal_id, lambda b: b["routing"])
        assert body["collection_suspended_until"] == "2026-12-26", "until the final report is due"
        assert body["routing"][0]["final_report_due"] == "2026-12-26" and body["outcome"] is None

        common = dict(alert_id=routed.alert_id, reported_by="vroeg-eropaf-amsterdam", signal_id=routed.signal_id)
        await publish(bus, "prevention", ContactMade(**common, reported_on=date(2026, 12, 1)), subject)
        final = FinalReport(**common, reported_on=date(2026, 12, 22), outcome=PreventionOutcome.DEBT_HELP_STARTED,
                            debt_settlement_pending=True, collection_suspended_until=date(2027, 9, 22))  # fmt: skip
        await publish(bus, "prevention", final, subject)
        body = await status_when(client, signal_id, lambda b: b["outcome"])
    assert body["outcome"] == "debt_help_started"
    assert body["collection_suspended_until"] == "2027-09-22", "nine months while the debt settlement is pending"
    [route] = body["routing"]
    assert route["contact_made_on"] == "2026-12-01" and route["final_report_on"] == "2026-12-22"
    assert "minor" not in str(body) and "persons" not in str(body) and "debt_settlement" not in str(body)


async def test_feedback_before_the_routing_is_kept_and_reminders_are_not_routing(app, bus, runtime):
    async with running(app) as client:
        signal_id, subject = await post_arrears(client, runtime)
        routed = alert(uuid.UUID(signal_id))
        final = FinalReport(alert_id=routed.alert_id, reported_by="vroeg-eropaf-amsterdam", signal_id=routed.signal_id,
                            reported_on=date(2026, 12, 22), outcome=PreventionOutcome.NOT_REACHED,
                            collection_suspended_until=date(2026, 12, 22))  # fmt: skip
        await publish(bus, "prevention", final, subject)
        reminder = alert(routed.signal_id, kind=AlertKind.REMINDER, trigger=AlertTrigger.REPORT_OVERDUE,
                         regarding_alert_id=routed.alert_id, report=Report.INTERMEDIATE, rule_id="report-overdue",
                         intermediate_report_due=None, final_report_due=None, collection_suspended_until=None)  # fmt: skip
        await publish(bus, "alerts", reminder, subject)
        await publish(bus, "alerts", routed, subject)
        # Two topics, two consumers: nothing orders them, so wait until both were read.
        body = await status_when(client, signal_id, lambda b: b["routing"] and b["outcome"])
        other = await client.get(f"/v1/signals/{signal_id}", headers=key("eigen-haard"))
    assert [r["kind"] for r in body["routing"]] == ["prevention"]
    assert body["outcome"] == "not_reached" and body["collection_suspended_until"] == "2026-12-22"
    assert other.status_code == 404


async def test_feedback_about_someone_elses_signal_is_ignored(app, bus, runtime):
    async with running(app):
        stranger = FinalReport(alert_id=uuid.uuid4(), reported_by="vroeg-eropaf-amsterdam", signal_id=uuid.uuid4(),
                               reported_on=date(2026, 12, 22), outcome=PreventionOutcome.REFUSED)  # fmt: skip
        await publish(bus, "prevention", stranger, "hh-0123456789abcdef")

        async def consumed():
            async with runtime.sessions() as session:
                return (await session.exec(select(ProcessedEvent))).first()

        await wait_for(consumed, what="feedback consumed")
        async with runtime.sessions() as session:
            assert (await session.exec(select(SignalFeedback))).all() == []


async def test_an_alert_about_someone_elses_signal_keeps_no_route_and_ours_is_kept(app, bus, runtime):
    async with running(app) as client:
        ours, household = await post_arrears(client, runtime)
        await publish(bus, "alerts", alert(uuid.uuid4()), "hh-0123456789abcdef")  # another intake's signal
        await publish(bus, "alerts", alert(uuid.UUID(ours)), household)
        body = await status_when(client, ours, lambda b: b["routing"])

        async with runtime.sessions() as session:
            kept = (await session.exec(select(SignalRouting))).all()
        assert [str(row.signal_id) for row in kept] == [ours]
        assert body["routing"][0]["recipient"] == "vroeg-eropaf-amsterdam"
