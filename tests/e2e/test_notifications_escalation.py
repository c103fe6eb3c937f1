"""Inbox, acknowledgement and escalation end to end, on the services' controlled clocks:
an urgent alert nobody acknowledged within the hour goes to the fallback (ketenregie),
once; an acknowledged one does not; a prevention alert waits two working days."""

from __future__ import annotations

import json
import random
from datetime import datetime

import httpx
import pytest

from shared.contracts import event_types
from tests.e2e.conftest import advance_clocks
from tests.support.kafka_tools import read_all
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

# This module subscribes the shared receiver, which does not answer challenges (yet).

GGD = "ggd-amsterdam-vangnet"
TEAM = "vroeg-eropaf-amsterdam"
FALLBACK = "ketenregie"
FAMILY_DWELLING = "0363010001004477"  # official test persons: two parents and children


def post_signal(chain, organisation: str, body: dict) -> str:
    with chain.client("arrears", organisation) as client:
        posted = client.post("/v1/signals", json=body)
    assert posted.status_code == 202, posted.text
    return posted.json()["id"]


def unregistered_dwelling() -> str:
    """A dwelling of its own per alert (nobody registered there), so no two signals are repeats of one case."""
    return f"03630188{random.randrange(10**8):08d}"


def family_found(chain) -> str:
    return post_signal(
        chain,
        "politie-amsterdam",
        {
            "type": "eviction.family-found",
            "address": {"adresseerbaarObjectIdentificatie": unregistered_dwelling()},
            "observed_on": "2026-11-28",
            "adults": 2,
            "children_ages": [1, 5],
        },
    )


def inbox(chain, organisation: str, **params) -> list[dict]:
    with chain.client("notifications", organisation) as client:
        response = client.get("/v1/inbox", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def alert_in_inbox(chain, organisation: str, signal_id: str) -> dict:
    def probe():
        found = [item for item in inbox(chain, organisation) if item["event"]["data"]["signal_id"] == signal_id]
        return found and found[0]

    return eventually(probe, what=f"alert for signal {signal_id} in the inbox of {organisation}")


def alert_by_id(chain, organisation: str, alert_id: str) -> dict:
    [item] = [item for item in inbox(chain, organisation, limit=500) if item["alert_id"] == alert_id]
    return item


def escalations_received(chain, path: str, alert_id: str) -> list[dict]:
    return [e for e in chain.receiver.events(path, event_types.ALERT_ESCALATED) if e["data"]["alert_id"] == alert_id]


def on_the_bus(chain, event_type: str, alert_id: str) -> list[dict]:
    events = [json.loads(r.value) for r in read_all(chain.kafka, chain.prefix + "deliveries")]
    return [e for e in events if e["type"] == event_type and e["data"]["alert_id"] == alert_id]


def service_now(chain) -> datetime:
    response = httpx.post(chain.urls["notifications"] + "/test/clock/advance", json={"seconds": 0.001}, timeout=10)
    return datetime.fromisoformat(response.json()["now"])


def test_an_urgent_alert_nobody_acknowledged_goes_to_the_fallback_once_and_an_acknowledged_one_does_not(chain):
    chain.subscribe(FALLBACK, "/ketenregie/a", ["alert.escalated"])
    ignored = alert_in_inbox(chain, GGD, family_found(chain))
    taken_up = alert_in_inbox(chain, GGD, family_found(chain))
    assert ignored["priority"] == taken_up["priority"] == "urgent"
    assert inbox(chain, FALLBACK) == []

    with chain.client("notifications", GGD) as ggd:
        acknowledged = ggd.post(f"/v1/inbox/{taken_up['alert_id']}/acknowledge", json={"acknowledged_by": "vangnet-12"})
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["acknowledged_by"] == GGD and acknowledged.json()["acknowledged_by_worker"] == "vangnet-12"
    assert [i["alert_id"] for i in inbox(chain, GGD, unacknowledged="true")] == [ignored["alert_id"]]

    advance_clocks(chain, 3600 + 1)
    [escalation] = eventually(
        lambda: escalations_received(chain, "/ketenregie/a", ignored["alert_id"]), what="escalation at the fallback's webhook"
    )
    data = escalation["data"]
    assert (data["recipient"], data["escalated_to"], data["priority"]) == (GGD, FALLBACK, "urgent")
    assert escalation["subject"] == ignored["case_key"]

    in_fallback_inbox = alert_by_id(chain, FALLBACK, ignored["alert_id"])
    recorded = alert_by_id(chain, GGD, ignored["alert_id"])
    assert in_fallback_inbox["escalated_to"] == recorded["escalated_to"] == FALLBACK and recorded["escalated_at"]
    assert alert_by_id(chain, GGD, taken_up["alert_id"])["escalated_at"] is None, (
        "checked in the same pass, acknowledged in time: not escalated"
    )

    # Time goes on: a later alert escalates, the first one is not escalated again.
    later = alert_in_inbox(chain, GGD, family_found(chain))
    advance_clocks(chain, 3600 + 1)
    eventually(lambda: escalations_received(chain, "/ketenregie/a", later["alert_id"]), what="the later escalation")
    assert len(escalations_received(chain, "/ketenregie/a", ignored["alert_id"])) == 1
    assert len(on_the_bus(chain, event_types.ALERT_ESCALATED, ignored["alert_id"])) == 1
    assert on_the_bus(chain, event_types.ALERT_ESCALATED, taken_up["alert_id"]) == []
    [announced] = on_the_bus(chain, event_types.ALERT_ACKNOWLEDGED, taken_up["alert_id"])
    assert announced["data"]["acknowledged_by"] == GGD and "vangnet-12" not in json.dumps(announced)

    with chain.client("notifications", FALLBACK) as ketenregie:
        taken_over = ketenregie.post(f"/v1/inbox/{ignored['alert_id']}/acknowledge")
    assert taken_over.status_code == 200 and taken_over.json()["acknowledged_by"] == FALLBACK


def test_a_prevention_alert_escalates_only_after_two_working_days(chain):
    chain.subscribe(FALLBACK, "/ketenregie/b", ["alert.escalated"])
    signal_id = post_signal(
        chain,
        "ymere",
        {
            "type": "arrears.reported",
            "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING},
            "observed_on": "2026-11-27",
            "months": 2,
            "amount_eur": "1450.00",
        },
    )
    prevention = alert_in_inbox(chain, TEAM, signal_id)
    assert prevention["priority"] == "normal" and prevention["kind"] == "prevention"
    due = datetime.fromisoformat(prevention["acknowledgement_due"])
    raised = datetime.fromisoformat(prevention["raised_at"])
    assert 2 * 86400 <= (due - raised).total_seconds() <= 4 * 86400 + 3600, "two working days, a weekend at most between"

    # An urgent alert raised now escalates after an hour; in that same pass the prevention alert must not.
    urgent = alert_in_inbox(chain, GGD, family_found(chain))
    advance_clocks(chain, 3600 + 1)
    eventually(lambda: escalations_received(chain, "/ketenregie/b", urgent["alert_id"]), what="the urgent escalation")
    assert alert_by_id(chain, TEAM, prevention["alert_id"])["escalated_at"] is None

    advance_clocks(chain, (due - service_now(chain)).total_seconds() + 1)
    [escalation] = eventually(
        lambda: escalations_received(chain, "/ketenregie/b", prevention["alert_id"]), what="the prevention escalation"
    )
    assert escalation["data"]["recipient"] == TEAM and escalation["data"]["priority"] == "normal"
    assert alert_by_id(chain, TEAM, prevention["alert_id"])["escalated_to"] == FALLBACK
