"""After signals for many households ran through the chain, no message on any topic
and no log line carries a test person's BSN, name, birth date, postcode, street or
dwelling id; and a name and a BSN-like number typed into every free field of every
endpoint (tests/support/free_text.py) show up on no topic, dead letters included, and in
no service's log (the monitor's included)."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from services.register.population import RegisterStore
from shared.contracts import topics
from tests.support import free_text
from tests.support.kafka_tools import read_topics
from tests.benchmarks.lag import wait_until_caught_up
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

DWELLINGS = {
    "0363010001004477": "official family, Amsterdam",
    "0363010001014485": "official single adult, Amsterdam",
    "0344010000192444": "official family, Utrecht",
    "0080019999000001": "our family, Leeuwarden",
    "0828019999000001": "our family, Oss",
    "0363019999000001": "our family with secrecy, Amsterdam",
    "0344019999000001": "our child with birth year only, Utrecht",
}


def signals_for(dwelling: str) -> list[tuple[str, dict]]:
    address = {"adresseerbaarObjectIdentificatie": dwelling}
    base = {"address": address, "observed_on": "2026-11-20"}
    return [
        ("dev-ymere", {**base, "type": "arrears.reported", "months": 2, "amount_eur": "1200.00"}),
        ("dev-ymere", {**base, "type": "eviction.verdict-issued", "grounds": "rent_arrears"}),
        ("dev-deurwaarder-amsterdam", {**base, "type": "eviction.scheduled", "eviction_date": "2026-12-15"}),
        ("dev-deurwaarder-amsterdam", {**base, "type": "eviction.executed", "outcome": "evicted"}),
        ("dev-politie-amsterdam", {**base, "type": "eviction.family-found", "adults": 2, "children_ages": [6, 11]}),
    ]


def identifying_strings(store: RegisterStore) -> dict[str, str]:
    """Every identifying value of every resident of the dwellings, with what it is."""
    found: dict[str, str] = {}
    for dwelling in DWELLINGS:
        found[dwelling] = "dwelling id"
        for person in store.residents_at(dwelling, include_deceased=True):
            if person.bsn:
                found[person.bsn] = "BSN"
            for name in (person.given_names or "").split() + [person.surname or ""]:
                if len(name) >= 4:
                    found[name] = "name"
            if person.birth and person.birth.year and person.birth.month and person.birth.day:
                b = person.birth
                found[f"{b.year:04d}-{b.month:02d}-{b.day:02d}"] = "birth date"
                found[f"{b.year:04d}{b.month:02d}{b.day:02d}"] = "birth date"
            address = person.current_address
            if address and address.postcode:
                found[address.postcode] = "postcode"
                found[f"{address.postcode[:4]} {address.postcode[4:]}"] = "postcode"
            if address and address.street and len(address.street) >= 6:
                found[address.street] = "street"
    return found


def topics_of(chain) -> list[str]:
    async def run():
        admin = AIOKafkaAdminClient(bootstrap_servers=chain.kafka)
        await admin.start()
        try:
            return [t for t in await admin.list_topics() if t.startswith(chain.prefix)]
        finally:
            await admin.close()

    return asyncio.run(run())


def everything_on_the_bus_and_in_the_logs(chain) -> dict[str, str]:
    """Every record of every topic of the chain (dead-letter topics included), key and value,
    from the beginning; and every service's log."""
    records = read_topics(chain.kafka, topics_of(chain))
    haystacks = {f"topic {topic}": b" ".join((r.key or b"") + b" " + (r.value or b"") for r in found).decode(errors="replace")
                 for topic, found in records.items()}  # fmt: skip
    haystacks.update({f"log of {name}": process.log_text() for name, process in chain.processes.items()})
    return haystacks


def test_no_personal_data_on_any_topic_or_in_any_log(chain):
    chain.subscribe("ggd-amsterdam-vangnet", "/privacy/ggd")
    posted = []
    for dwelling in DWELLINGS:
        for key, body in signals_for(dwelling):
            with chain.client("arrears", key.removeprefix("dev-")) as client:
                response = client.post("/v1/signals", json=body)
            assert response.status_code == 202, response.text
            posted.append((key, response.json()["id"]))

    def all_routed():
        for key, signal_id in posted:
            with chain.client("arrears", key.removeprefix("dev-")) as client:
                if client.get(f"/v1/signals/{signal_id}").json()["status"] == "received":
                    return False
        return True

    eventually(all_routed, timeout=60, what="every signal forwarded")
    # Let triage, placement and notifications finish what the last signals caused.
    eventually(lambda: len(chain.receiver.events("/privacy/ggd")) >= 3, timeout=60, what="GGD deliveries")

    store = RegisterStore.load()
    secrets = identifying_strings(store)
    assert sum(1 for kind in secrets.values() if kind == "BSN") >= 15, "the scan must cover real residents"

    haystacks = everything_on_the_bus_and_in_the_logs(chain)
    assert any(text for name, text in haystacks.items() if name.endswith(".alerts")), "alerts were published"

    leaks = []
    for where, text in haystacks.items():
        for secret, kind in secrets.items():
            if re.search(rf"(?<![\w]){re.escape(secret)}(?![\w])", text):
                leaks.append(f"{kind} {secret!r} in {where}")
    assert leaks == []


def test_a_name_and_a_bsn_typed_into_every_free_field_reach_no_topic_and_no_log(chain, monitor):
    doors = free_text.Doors()
    posted = free_text.post_signals(chain, doors)
    alerts = (free_text.family_alert(chain), free_text.family_alert(chain))
    free_text.post_case_work(chain, doors, alerts[0])
    free_text.post_placement_work(chain, doors)
    zaaksysteem = free_text.post_notification_work(chain, doors, alerts)
    try:
        eventually(lambda: all_forwarded(chain, posted), timeout=60, what="every accepted signal forwarded")
        _, lags = wait_until_caught_up(chain.kafka, chain.prefix, timeout=60)
        assert not any(lags.values()), f"consumers still behind: {lags}"
        haystacks = everything_on_the_bus_and_in_the_logs(chain)
    finally:
        zaaksysteem.stop()

    print("taken in:", doors.taken(), "\nrefused at the door:", doors.refused())
    kept = {"signal: eviction.cancelled reason", "batch: reference, reason, and a row with a remark", "triage: composition reason",
            "placement: decline reason", "notifications: callback URL with the name", "inbox: acknowledged by a name",
            "inbox: acknowledged by a number", "zgw: abonnement URL and auth with the name"}  # fmt: skip
    assert kept <= set(doors.taken()), doors.answers  # the free fields the services take in and keep
    read = {name.removeprefix("topic " + chain.prefix) for name in haystacks if name.startswith("topic ")}
    assert read >= {*topics.ALL, *map(topics.dead_letter_topic, topics.ALL)}, "every topic and its dead letters were read"
    assert haystacks[f"topic {chain.prefix}{topics.SIGNALS}"], "the signals were published"
    leaks = [f"{secret!r} in {where}" for where, text in haystacks.items() for secret in free_text.SECRETS
             if secret.lower() in text.lower()]  # fmt: skip
    assert leaks == [], doors.answers


def all_forwarded(chain, posted: list[tuple[str, str]]) -> bool:
    for organisation, signal_id in posted:
        with chain.client("arrears", organisation) as client:
            if client.get(f"/v1/signals/{signal_id}").json()["status"] == "received":
                return False
    return True
