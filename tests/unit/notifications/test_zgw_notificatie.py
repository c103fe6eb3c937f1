"""An event of the chain as a ZGW notificatie (pure): the standard's consumer schema accepts
it, and it holds nothing but URLs of the chain's own resources and privacy-poor kenmerken
(the whole body is compared, so nothing else can travel unnoticed)."""

import uuid
from datetime import UTC, datetime, timedelta

from shared.contracts.envelope import new_event
from shared.contracts.events.deliveries import AlertEscalated
from shared.contracts.events.placement import PlacementOffered
from shared.contracts.events.triage import AlertKind, Priority
from services.notifications.zgw.callback import probe_notificatie
from services.notifications.zgw.notificatie import ResourceLinks, notificatie
from tests.support.zgw_standard import notificatie_errors
from tests.unit.notifications.support import SOURCE, alert_event

LINKS = ResourceLinks("https://triage.example/keten", "https://placement.example", "https://meldingen.example")
RAISED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def test_an_alert_points_at_its_case_and_at_the_alert_in_the_inbox():
    event = alert_event("ggd-amsterdam-vangnet", RAISED)
    body = notificatie(event, LINKS)
    assert body == {
        "kanaal": "signaalketen-alerts",
        "hoofdObject": f"https://triage.example/keten/v1/cases/{event.subject}",
        "resource": "alert",
        "resourceUrl": f"https://meldingen.example/v1/inbox/{event.data.alert_id}",
        "actie": "create",
        "aanmaakdatum": "2026-11-28T09:30:00Z",
        "kenmerken": {"casusPseudoniem": event.subject, "gemeentecode": "0363", "gebeurtenis": "alert.raised"},
    }
    assert notificatie_errors(body) == []


def test_an_escalated_alert_is_an_update_of_the_same_alert():
    raised = alert_event("vroeg-eropaf-amsterdam", RAISED)
    data = AlertEscalated(
        alert_id=raised.data.alert_id, event_id=raised.id, event_type_delivered=raised.type, recipient="vroeg-eropaf-amsterdam",
        escalated_to="ketenregie", escalated_at=RAISED + timedelta(days=2), kind=AlertKind.PREVENTION,
        priority=Priority.NORMAL, reason="arrears_two_months", due=RAISED + timedelta(days=14),
        acknowledgement_due=RAISED + timedelta(days=2), municipality_code="0363",
    )  # fmt: skip
    event = new_event(data, source=SOURCE, subject=raised.subject, time=RAISED + timedelta(days=2, hours=1))
    body = notificatie(event, LINKS)
    assert (body["actie"], body["resourceUrl"]) == ("update", notificatie(raised, LINKS)["resourceUrl"])
    assert body["hoofdObject"] == notificatie(raised, LINKS)["hoofdObject"]
    assert body["kenmerken"]["gebeurtenis"] == "alert.escalated" and body["aanmaakdatum"] == "2026-11-30T10:30:00Z"
    assert notificatie_errors(body) == []


def test_placement_news_points_at_the_request_in_placement():
    request_id = uuid.uuid4()
    data = PlacementOffered(
        request_id=request_id, recipient="ggd-utrecht", requested_by="ggd-utrecht", municipality_code="0344",
        shelter="tussenvoorziening", facility="utrecht-gezinnen", unit_type="family",
    )  # fmt: skip
    event = new_event(data, source=SOURCE, subject="hh-" + "c" * 32, time=RAISED)
    body = notificatie(event, LINKS)
    url = f"https://placement.example/v1/requests/{request_id}"
    assert (body["kanaal"], body["hoofdObject"], body["resource"], body["resourceUrl"], body["actie"]) == (
        "signaalketen-placement", url, "placement-request", url, "update"
    )
    assert body["kenmerken"] == {"casusPseudoniem": "hh-" + "c" * 32, "gemeentecode": "0344", "gebeurtenis": "placement.offered"}
    assert notificatie_errors(body) == []


def test_the_test_notificatie_at_subscription_is_a_valid_notificatie_too():
    url = LINKS.abonnement(uuid.uuid4())
    body = probe_notificatie(url, RAISED)
    assert notificatie_errors(body) == []
    assert (body["kanaal"], body["hoofdObject"], body["kenmerken"]) == ("test", url, {})


def test_the_consumer_schema_really_checks_formats_and_required_fields():
    good = notificatie(alert_event("ggd-amsterdam-vangnet", RAISED), LINKS)
    assert notificatie_errors({**good, "hoofdObject": "not a url"}) == ["hoofdObject: 'not a url' is not a 'uri'"]
    assert notificatie_errors({**good, "aanmaakdatum": "28-11-2026"}) == ["aanmaakdatum: '28-11-2026' is not a 'date-time'"]
    assert notificatie_errors({k: v for k, v in good.items() if k != "actie"}) == ["(body): 'actie' is a required property"]
    assert notificatie_errors({**good, "kenmerken": {"gemeentecode": ""}}) != []
