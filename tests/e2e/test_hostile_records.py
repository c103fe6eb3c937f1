"""Hostile records on every topic a service consumes (random bytes, wrong schema,
unknown type, oversized payload): each consumer dead-letters them with the reason and
goes on; and a service stopped with SIGTERM shuts down cleanly."""

from __future__ import annotations

import json
import os
import signal
import uuid

import pytest

from shared.contracts import event_types
from tests.support.kafka_tools import produce, read_all
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

# topic -> the consumer groups of the chain's services that read it
CONSUMERS = {
    "signals": ["triage"],
    "alerts": ["arrears", "notifications"],
    "prevention": ["arrears-feedback"],
    "placement-requests": ["placement"],
    "placement": ["notifications", "triage-placement"],
    "triage": ["placement-cases"],
}
HOSTILE = {
    "random bytes": (os.urandom(64), "not JSON"),
    "wrong schema": (json.dumps({"specversion": "1.0", "id": "x", "hello": "world"}).encode(), "invalid CloudEvent envelope"),
    "unknown type": (
        json.dumps(
            {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": "urn:nld:oin:00000099000000000099:systeem:onbekend",
                "type": "nl.signaalketen.household.teleported.v1",
                "time": "2026-11-28T09:00:00Z",
                "subject": "hh-0123456789abcdef",
                "data": {},
            }
        ).encode(),
        "unknown event type",
    ),
    "oversized payload": (b"{" + b" " * (300 * 1024) + b"}", "exceeds the limit"),
}


def test_every_consumer_dead_letters_hostile_records_with_the_reason_and_goes_on(chain):
    for topic in CONSUMERS:
        produce(chain.kafka, chain.prefix + topic, [(b"hh-hostile", value) for value, _ in HOSTILE.values()])

    def dead_letters():
        found = {}
        for topic, groups in CONSUMERS.items():
            records = read_all(chain.kafka, chain.prefix + topic + ".dlq", idle_ms=800)
            for group in groups:
                reasons = [
                    dict(r.headers)["dlq-reason"].decode()
                    for r in records
                    if dict(r.headers).get("dlq-consumer-group") == (chain.prefix + group).encode()
                ]
                found[(topic, group)] = reasons
        complete = all(len(reasons) >= len(HOSTILE) for reasons in found.values())
        return complete and found

    found = eventually(dead_letters, timeout=90, interval=1, what="every consumer dead-lettered every hostile record")
    for (topic, group), reasons in found.items():
        for name, (_value, reason) in HOSTILE.items():
            assert any(reason in text for text in reasons), f"{group} on {topic}: no dead letter for {name}"

    # ... and the chain still works end to end.
    chain.subscribe("ggd-amsterdam-vangnet", "/hostile/ggd", ["alert.raised"])
    found_at_door = {
        "type": "eviction.family-found",
        "address": {"adresseerbaarObjectIdentificatie": f"036301{uuid.uuid4().int % 10**10:010d}"},
        "observed_on": "2026-11-28",
        "adults": 1,
        "children_ages": [4],
    }
    with chain.client("arrears", "politie-amsterdam") as police:
        signal_id = police.post("/v1/signals", json=found_at_door).json()["id"]
    eventually(
        lambda: [e for e in chain.receiver.events("/hostile/ggd", event_types.ALERT_RAISED) if e["data"]["signal_id"] == signal_id],
        what="an alert after the hostile records",
    )


def test_sigterm_stops_a_service_cleanly(chain):
    """Runs last in this module: stop taking work, finish, commit offsets, close, exit 0."""
    for name in ("notifications", "placement", "triage", "arrears"):
        process = chain.processes[name]
        # uvicorn re-raises the signal after its graceful shutdown, so the exit status is -SIGTERM.
        assert process.stop(signal.SIGTERM, timeout=30) in (0, -signal.SIGTERM), process.log_tail()
        assert "shut down cleanly: " in process.log_text() and ", 0 cancelled" in process.log_text(), process.log_tail()
