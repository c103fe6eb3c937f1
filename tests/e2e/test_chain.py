"""The chain end to end: partners post over HTTP, services talk over real Kafka,
recipients get signed webhooks on real HTTP servers."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from shared.contracts import event_types
from shared.contracts.envelope import encode, new_event
from shared.contracts.events.signals import ArrearsReported
from shared.privacy import AddressSeal, Dwelling, household_pseudonym
from shared.settings import DEV_ADDRESS_KEY, DEV_PSEUDONYM_KEY
from tests.support.kafka_tools import produce, read_all
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

FAMILY_DWELLING = "0363010001004477"  # official test persons: two parents, children born 1999-2019
UNKNOWN_DWELLING = "0363010000999001"  # nobody registered: the register returns no one


def arrears(dwelling: str, months: int = 2) -> dict:
    return {
        "type": "arrears.reported",
        "address": {"adresseerbaarObjectIdentificatie": dwelling},
        "observed_on": "2026-11-27",
        "months": months,
        "amount_eur": "1450.00",
    }


def alerts_for(chain, path: str, signal_id: str) -> list[dict]:
    return [e for e in chain.receiver.events(path, event_types.ALERT_RAISED) if e["data"]["signal_id"] == signal_id]


def test_family_in_arrears_reaches_the_prevention_team_as_a_family(chain):
    chain.subscribe("vroeg-eropaf-amsterdam", "/vroeg-eropaf/a", ["alert.raised"])
    with chain.client("arrears", "ymere") as ymere:
        posted = ymere.post("/v1/signals", json=arrears(FAMILY_DWELLING))
        assert posted.status_code == 202, posted.text
        signal_id = posted.json()["id"]

        [alert] = eventually(lambda: alerts_for(chain, "/vroeg-eropaf/a", signal_id), what="prevention alert")
        data = alert["data"]
        assert data["recipient"] == "vroeg-eropaf-amsterdam"
        assert data["kind"] == "prevention" and data["rule_id"] == "ams-arrears-vroeg-eropaf"
        assert data["is_family"] is True and data["minors"] >= 1 and data["persons"] >= 2
        assert alert["subject"].startswith("hh-") and FAMILY_DWELLING not in json.dumps(alert)

        status = eventually(
            lambda: (body := ymere.get(f"/v1/signals/{signal_id}").json())["status"] == "routed" and body,
            what="routed status for the corporation",
        )
    assert [route["recipient"] for route in status["routing"]] == ["vroeg-eropaf-amsterdam"]
    assert "minors" not in json.dumps(status), "the corporation sees where it went, not the household"


def test_family_found_at_eviction_gets_ggd_urgently_and_a_confirmed_shelter_place(chain):
    chain.subscribe("ggd-amsterdam-vangnet", "/ggd/b")
    chain.subscribe("hvo-querido", "/hvo/b", ["placement.offered"])
    found = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": UNKNOWN_DWELLING},
        "observed_on": "2026-11-28",
        "adults": 2,
        "children_ages": [3, 7],
    }
    with chain.client("arrears", "politie-amsterdam") as police:
        posted = police.post("/v1/signals", json=found)
    assert posted.status_code == 202, posted.text
    signal_id = posted.json()["id"]

    [alert] = eventually(lambda: alerts_for(chain, "/ggd/b", signal_id), what="urgent GGD alert")
    assert alert["data"]["priority"] == "urgent" and alert["data"]["kind"] == "urgent_outreach"
    assert alert["data"]["minor_ages"] == [3, 7]

    def offer():
        offers = chain.receiver.events("/hvo/b", event_types.PLACEMENT_OFFERED)
        return [o for o in offers if o["subject"] == alert["subject"]]

    [offered] = eventually(offer, what="offer to the shelter")
    request_id = offered["data"]["request_id"]
    assert offered["data"]["facility"] == "De Roggeveen (gezinsunits)", "two parents: the two-parent family units"

    with chain.client("placement", "hvo-querido") as shelter:
        confirmed = shelter.post(f"/v1/requests/{request_id}/confirm")
    assert confirmed.status_code == 200, confirmed.text

    def confirmation():
        events = chain.receiver.events("/ggd/b", event_types.PLACEMENT_CONFIRMED)
        return [e for e in events if e["data"]["request_id"] == request_id]

    [confirmation_event] = eventually(confirmation, what="confirmation at GGD")
    assert confirmation_event["data"]["case_lead"] == "hvo-querido"

    with chain.client("triage", "ggd-amsterdam-vangnet") as ggd:
        case = eventually(
            lambda: (body := ggd.get(f"/v1/cases/{alert['subject']}").json()).get("state") == "placed" and body,
            what="case placed with the shelter as lead",
        )
    assert case["case_lead"] == "hvo-querido"
    assert any(entry["kind"] == "decision" and entry["summary"]["rule"] == "ams-family-found" for entry in case["timeline"])


def _new_dwelling() -> str:
    """An Amsterdam dwelling no other test uses (nobody registered: routing still alerts)."""
    return f"036301{uuid.uuid4().int % 10**10:010d}"


def _raw_signal(dwelling: str, months: int) -> tuple[bytes, bytes, str]:
    seal = AddressSeal([DEV_ADDRESS_KEY])
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)
    signal_id = uuid.uuid4()
    data = ArrearsReported(
        signal_id=signal_id,
        reported_by="eigen-haard",
        sealed_address=seal.seal(Dwelling(dwelling)),
        municipality_code="0363",
        observed_on=date(2026, 11, 27),
        months=months,
        amount_eur="900.00",
    )
    event = new_event(data, source="urn:nld:kvk:90000002:systeem:incasso", subject=case_key, time=_now(), event_id=signal_id)
    return case_key.encode(), encode(event), str(signal_id)


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_the_same_event_delivered_twice_raises_one_alert(chain):
    chain.subscribe("vroeg-eropaf-amsterdam", "/vroeg-eropaf/c", ["alert.raised"])
    dwelling = _new_dwelling()
    key, duplicate, duplicate_id = _raw_signal(dwelling, 3)
    _, marker, marker_id = _raw_signal(dwelling, 4)  # arrears rose: the marker alerts too
    produce(chain.kafka, chain.prefix + "signals", [(key, duplicate), (key, duplicate), (key, marker)])

    # Same key, same partition, in order: once the marker is routed, both copies were handled.
    eventually(lambda: alerts_for(chain, "/vroeg-eropaf/c", marker_id), what="alert for the marker")
    assert len(alerts_for(chain, "/vroeg-eropaf/c", duplicate_id)) == 1
    raised = [
        json.loads(r.value)
        for r in read_all(chain.kafka, chain.prefix + "alerts")
        if json.loads(r.value)["data"]["signal_id"] == duplicate_id
    ]
    assert len(raised) == 1


def test_a_malformed_record_is_dead_lettered_and_the_consumer_goes_on(chain):
    chain.subscribe("vroeg-eropaf-amsterdam", "/vroeg-eropaf/d", ["alert.raised"])
    key, valid, valid_id = _raw_signal(_new_dwelling(), 2)
    garbage = b"\x00\x01 this is not a CloudEvent"
    wrong_schema = json.dumps({"specversion": "1.0", "id": str(uuid.uuid4()), "type": "nl.signaalketen.arrears.reported.v1"}).encode()
    produce(chain.kafka, chain.prefix + "signals", [(key, garbage), (key, wrong_schema), (key, valid)])

    eventually(lambda: alerts_for(chain, "/vroeg-eropaf/d", valid_id), what="alert after the bad records")
    dead = {r.value: dict(r.headers) for r in read_all(chain.kafka, chain.prefix + "signals.dlq")}
    assert garbage in dead and wrong_schema in dead
    assert b"not JSON" in dead[garbage]["dlq-reason"]
    assert b"invalid CloudEvent envelope" in dead[wrong_schema]["dlq-reason"]
    assert dead[garbage]["dlq-consumer-group"] == (chain.prefix + "triage").encode()
